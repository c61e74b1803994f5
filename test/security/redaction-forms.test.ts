/**
 * Issue 7, item 8: tokens glued to other text, encoded forms of registered secrets, and secrets that
 * JSON escaping changes (`"`, `\`, tab) must not get out: through the redactor, or through the logger.
 */
import { describe, expect, it } from "vitest";
import { redactedLogger } from "../../src/redact/logger.js";
import { encodedForms } from "../../src/redact/secret-forms.js";
import { createRedactor, MASK } from "../../src/redact/redactor.js";

const PAT = `ghp_${"Q7".repeat(18)}`;
const FINE = `github_pat_${"K3".repeat(11)}_${"z".repeat(59)}`;

describe("token shapes glued to other text", () => {
  it.each([
    ["URL-encoded after '='", `https://x.test/?t%3D${PAT}&y=1`],
    ["glued to a scheme word", `Authorization: Bearer${PAT}`],
    ["followed by an underscore", `${PAT}_x`],
    ["inside a word", `prefix${PAT}suffix`],
    ["fine-grained PAT glued", `token=abc${FINE}`],
    ["installation token in a query", `?access_token=ghs_${"a1".repeat(18)}`],
  ])("%s", (_what, text) => {
    const out = createRedactor().redact(text);
    expect(out).toContain(MASK);
    expect(out).not.toMatch(/gh[pousr]_[A-Za-z0-9]{8}|github_pat_[A-Za-z0-9]{8}/);
  });
});

describe("encoded forms of a registered secret", () => {
  const secret = 'db "pass"\\word\twith/+?&=é';
  const r = createRedactor().add(secret);
  const wrap = (form: string) => `before ${form} after`;
  it.each([
    ["raw", secret],
    ["encodeURIComponent", encodeURIComponent(secret)],
    ["lower-case percent hex", encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ["form encoding", new URLSearchParams({ p: secret }).toString().slice(2)],
    ["JSON string", JSON.stringify(secret).slice(1, -1)],
    ["JSON in JSON", JSON.stringify(JSON.stringify(secret)).slice(1, -1)],
    ["hex", Buffer.from(secret).toString("hex")],
    ["HEX", Buffer.from(secret).toString("hex").toUpperCase()],
    ["base64", Buffer.from(secret).toString("base64")],
    ["base64url", Buffer.from(secret).toString("base64url")],
    ["basic auth", Buffer.from(`x-access-token:${secret}`).toString("base64")],
  ])("%s", (_what, form) => {
    const out = r.redact(wrap(form));
    expect(out).toContain(MASK);
    for (const f of encodedForms(secret)) expect(out).not.toContain(f);
    expect(out).not.toContain(form.slice(0, Math.max(8, form.length - 4)));
  });
});

describe("the logger redacts before JSON escaping", () => {
  const secret = 'tab\there "quoted" back\\slash-secret';

  function capture() {
    const lines: string[] = [];
    const r = createRedactor().add(secret);
    const log = redactedLogger({ level: "debug", redactor: r, destination: { write: (l) => lines.push(l) } });
    return { lines, log };
  }

  it("in the message, format arguments, fields, nested fields, errors and child bindings", () => {
    const { lines, log } = capture();
    log.info(`msg ${secret}`);
    log.info("format %s and %j", secret, { s: secret });
    log.warn({ field: secret, nested: { list: [secret, { deep: `x${secret}x` }] } }, "fields");
    log.error(new Error(`failed with ${secret}`));
    log.error({ err: Object.assign(new Error(`wrapped ${secret}`), { detail: secret }) }, "err field");
    log.child({ bound: secret }).info("child");
    expect(lines).toHaveLength(6);
    const text = lines.join("");
    for (const form of encodedForms(secret)) expect(text).not.toContain(form);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(JSON.parse(lines[2]!)).toMatchObject({
      field: MASK,
      nested: { list: [MASK, { deep: `x${MASK}x` }] },
    });
    expect(JSON.parse(lines[3]!)).toMatchObject({
      msg: `failed with ${MASK}`,
      err: { message: `failed with ${MASK}` },
    });
    expect(JSON.parse(lines[5]!)).toMatchObject({ bound: MASK, msg: "child" });
  });

  it("keys that hold a secret, and cycles, do not break the line", () => {
    const { lines, log } = capture();
    const cyclic: Record<string, unknown> = { [secret]: "as a key" };
    cyclic.self = cyclic;
    log.info(cyclic, "cycle");
    expect(lines).toHaveLength(1);
    for (const form of encodedForms(secret)) expect(lines[0]).not.toContain(form);
    expect(JSON.parse(lines[0]!)).toMatchObject({ [MASK]: "as a key", self: "[Circular]" });
  });
});
