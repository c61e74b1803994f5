import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configJsonSchema, configJsonSchemaText } from "../../src/config/json-schema.js";

describe("schema/orchestrator.schema.json", () => {
  it("is in sync with the zod schema (run `npm run schema` to regenerate)", () => {
    const committed = readFileSync(new URL("../../schema/orchestrator.schema.json", import.meta.url), "utf8");
    expect(committed).toBe(configJsonSchemaText());
  });

  it("agrees with zod on valid and invalid examples", () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(configJsonSchema());
    const valid = parse(
      "services:\n  api:\n    path: services/api\n    health: { url: 'http://x/health' }\n",
    );
    expect(validate(valid), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(parse("services:\n  api: { path: services/api, bogus: 1 }\n"))).toBe(false);
    expect(validate(parse("services:\n  api: { path: services/api }\nauto_fix: maybe\n"))).toBe(false);
    expect(validate(parse("services:\n  api: { path: services/api, health: { url: 'not a url' } }\n"))).toBe(
      false,
    );
  });
});
