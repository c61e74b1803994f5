import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const dir = join(import.meta.dirname, "../../contract");

it("contract/ depends on nothing of the app or the runner", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
  expect(files.length).toBeGreaterThan(5);
  for (const file of files) {
    const specs = [...readFileSync(join(dir, file), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);
    for (const spec of specs) expect(spec, `${file} imports ${spec}`).toMatch(/^(zod|\.\/[a-z-]+\.js)$/);
  }
});
