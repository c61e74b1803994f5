import { describe, expect, it } from "vitest";
import { packageJsonPatcher } from "../../../src/patch/patchers/package-json.js";
import type { VersionLookup } from "../../../src/patch/versions.js";

const calls: string[] = [];
const versions: VersionLookup = {
  latest: async (ecosystem, name) => {
    calls.push(`${ecosystem}:${name}`);
    return "4.17.21";
  },
};
const apply = (text: string, name = "lodash") =>
  packageJsonPatcher.apply(text, { name }, { versions, path: "web/package.json" });

describe("package.json patcher", () => {
  it("inserts into a sorted dependencies block with the caret style and 2-space indent", async () => {
    const text =
      '{\n  "name": "w",\n  "dependencies": {\n    "express": "^4.19.2",\n    "zod": "^3.23.8"\n  }\n}\n';
    expect(await apply(text)).toMatchObject({
      status: "patched",
      text: '{\n  "name": "w",\n  "dependencies": {\n    "express": "^4.19.2",\n    "lodash": "^4.17.21",\n    "zod": "^3.23.8"\n  }\n}\n',
    });
    expect(calls.at(-1)).toBe("npm:lodash");
  });

  it("appends to an unsorted block, exact versions, tabs", async () => {
    const text = '{\n\t"dependencies": {\n\t\t"zod": "3.23.8",\n\t\t"express": "4.19.2"\n\t}\n}';
    expect(await apply(text)).toMatchObject({
      text: '{\n\t"dependencies": {\n\t\t"zod": "3.23.8",\n\t\t"express": "4.19.2",\n\t\t"lodash": "4.17.21"\n\t}\n}',
    });
  });

  it("follows ~ ranges and single-line blocks", async () => {
    const text = '{\n  "dependencies": { "a": "~1.0.0", "b": "~2.0.0" }\n}\n';
    expect(await apply(text)).toMatchObject({
      text: '{\n  "dependencies": { "a": "~1.0.0", "b": "~2.0.0", "lodash": "~4.17.21" }\n}\n',
    });
  });

  it("creates dependencies as the last key with 4-space indent and CRLF", async () => {
    const text = '{\r\n    "name": "x",\r\n    "scripts": {\r\n        "start": "node ."\r\n    }\r\n}\r\n';
    expect(await apply(text)).toMatchObject({
      text: '{\r\n    "name": "x",\r\n    "scripts": {\r\n        "start": "node ."\r\n    },\r\n    "dependencies": {\r\n        "lodash": "^4.17.21"\r\n    }\r\n}\r\n',
    });
  });

  it("fills an empty dependencies object", async () => {
    expect(await apply('{\n  "dependencies": {}\n}\n')).toMatchObject({
      text: '{\n  "dependencies": {\n    "lodash": "^4.17.21"\n  }\n}\n',
    });
  });

  it("keeps scoped names and escapes nothing it should not", async () => {
    const out = await apply('{\n  "dependencies": {\n    "@a/b": "^1.0.0"\n  }\n}\n', "@types/node");
    expect(out).toMatchObject({
      text: '{\n  "dependencies": {\n    "@a/b": "^1.0.0",\n    "@types/node": "^4.17.21"\n  }\n}\n',
    });
  });

  it("moves a devDependencies-only package to dependencies with the same range, without a lookup", async () => {
    const before = calls.length;
    const text =
      '{\n  "dependencies": {\n    "a": "^1.0.0"\n  },\n  "devDependencies": {\n    "lodash": "~4.0.0"\n  }\n}\n';
    const outcome = await apply(text);
    expect(outcome).toMatchObject({
      status: "patched",
      note: expect.stringContaining("only in devDependencies"),
    });
    if (outcome.status === "patched")
      expect(JSON.parse(outcome.text).dependencies).toEqual({ a: "^1.0.0", lodash: "~4.0.0" });
    expect(calls.length).toBe(before);
  });

  it("says present for dependencies, optional and peer dependencies", async () => {
    for (const section of ["dependencies", "optionalDependencies", "peerDependencies"]) {
      expect(await apply(`{"${section}": {"lodash": "*"}}`)).toMatchObject({ status: "present" });
    }
  });

  it("does not get confused by keys inside strings or nested objects", async () => {
    const text =
      '{\n  "description": "no \\"dependencies\\": {} here",\n  "config": { "dependencies": { "x": "1" } }\n}\n';
    const outcome = await apply(text);
    if (outcome.status !== "patched") throw new Error("not patched");
    const doc = JSON.parse(outcome.text);
    expect(doc.dependencies).toEqual({ lodash: "^4.17.21" });
    expect(doc.config).toEqual({ dependencies: { x: "1" } });
  });

  it("reports invalid JSON and a non-object dependencies field", async () => {
    await expect(apply("{ nope")).rejects.toThrow(/web\/package.json is not valid JSON/);
    expect(await apply('{"dependencies": []}')).toMatchObject({
      status: "unsupported",
      reason: 'web/package.json: "dependencies" is not an object',
    });
  });
});
