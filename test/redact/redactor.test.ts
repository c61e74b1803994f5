import { describe, expect, it, vi } from "vitest";
import { base64Forms, createRedactor, MASK, Redactor } from "../../src/redact/redactor.js";

const PEM = `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAv7n1ZsR0aGVyZS1pcy1ub3QtYS1yZWFsLWtleS1qdXN0LWEtdGVzdA
c2Vjb25kLWxpbmUtb2YtdGhlLXRlc3Qta2V5LWJvZHktMDEyMzQ1Njc4OWFiY2RlZg==
-----END RSA PRIVATE KEY-----`;

describe("Redactor", () => {
  it("masks a registered secret wherever it appears", () => {
    const r = new Redactor();
    r.add("hunter2-but-longer");
    expect(r.redact("pw=hunter2-but-longer; again hunter2-but-longer")).toBe(`pw=${MASK}; again ${MASK}`);
  });

  it("ignores secrets too short to mask safely (they would mask ordinary words)", () => {
    const r = new Redactor();
    r.add("abc");
    r.add("");
    r.add(undefined);
    expect(r.redact("abc def")).toBe("abc def");
  });

  it.each([0, 1, 2])(
    "masks the base64 form of a secret at byte offset %i inside a longer payload",
    (offset) => {
      const r = new Redactor();
      const secret = "s3cr3t-value-1234567";
      r.add(secret);
      const encoded = Buffer.from(`${"x".repeat(offset)}${secret}-and-more`).toString("base64");
      const out = r.redact(encoded);
      expect(out).toContain(MASK);
      // What is left cannot be decoded back to the secret.
      expect(Buffer.from(out.replace(MASK, ""), "base64").toString("latin1")).not.toContain(secret);
    },
  );

  it("masks the basic-auth header git uses for an installation token", () => {
    const r = new Redactor();
    const token = "ghs_abcdefghijklmnopqrstuvwxyz0123456789";
    r.add(token);
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
    expect(r.redact(header)).not.toMatch(/eC1hY2Nlc3MtdG9rZW46/);
  });

  it.each([
    ["classic PAT", `ghp_${"A1".repeat(18)}`],
    ["installation token", `ghs_${"b2".repeat(18)}`],
    ["OAuth token", `gho_${"c3".repeat(18)}`],
    ["fine-grained PAT", `github_pat_${"d4".repeat(20)}_${"e5".repeat(10)}`],
  ])("masks a %s by its shape, registered or not", (_name, token) => {
    expect(new Redactor().redact(`token is ${token}.`)).toBe(`token is ${MASK}.`);
  });

  it("masks PEM blocks, and their lines when printed apart", () => {
    const r = new Redactor();
    expect(r.redact(`key:\n${PEM}\nafter`)).toBe(`key:\n${MASK}\nafter`);
    r.add(PEM);
    const secondLine = PEM.split("\n")[2]!;
    expect(r.redact(`wrapped: ${secondLine}`)).toBe(`wrapped: ${MASK}`);
  });

  it("masks credentials in URLs and Authorization headers", () => {
    const r = new Redactor();
    expect(r.redact("https://x-access-token:abc123def456@github.com/a/b.git")).toBe(
      `https://${MASK}github.com/a/b.git`,
    );
    expect(r.redact("Authorization: Bearer eyJhbGciOi.payload.sig")).toBe(`Authorization: Bearer ${MASK}`);
  });

  it("registers secret-looking environment values only", () => {
    const r = new Redactor();
    r.addFromEnv({
      WEBHOOK_SECRET: "webhook-secret-value",
      DB_PASSWORD: "db-password-value",
      HOME: "/root/home-dir",
    });
    expect(r.redact("webhook-secret-value db-password-value /root/home-dir")).toBe(
      `${MASK} ${MASK} /root/home-dir`,
    );
  });

  it("redacts every string in nested JSON", () => {
    const r = new Redactor();
    r.add("nested-secret-value");
    expect(
      r.redactDeep({ a: ["nested-secret-value", 3], b: { c: "x nested-secret-value" }, d: null }),
    ).toEqual({
      a: [MASK, 3],
      b: { c: `x ${MASK}` },
      d: null,
    });
  });
});

describe("base64Forms", () => {
  it("gives three alignments, each a substring of the real encoding at that offset", () => {
    const secret = "another-secret";
    const forms = base64Forms(secret);
    expect(forms).toHaveLength(3);
    forms.forEach((form, pad) => {
      const encoded = Buffer.from(`${"\u0001".repeat(pad)}${secret}`).toString("base64");
      expect(encoded).toContain(form);
      expect(form.length).toBeGreaterThanOrEqual(Math.floor((secret.length * 8) / 6) - 2);
    });
  });
});

describe("createRedactor and the process redactor", () => {
  it("creates independent redactors", () => {
    const a = createRedactor().add("only-known-to-a-123");
    const b = createRedactor();
    expect(a.redact("only-known-to-a-123")).toBe(MASK);
    expect(b.redact("only-known-to-a-123")).toBe("only-known-to-a-123");
  });

  it("fills nothing by itself on import: env values are registered only by addFromEnv", async () => {
    process.env.IMPORT_TIME_TOKEN = "value-set-before-import-42";
    try {
      vi.resetModules();
      const fresh = await import("../../src/redact/redactor.js");
      expect(fresh.redact("value-set-before-import-42")).toBe("value-set-before-import-42");
      fresh.useProcessRedactor(fresh.createRedactor().addFromEnv());
      expect(fresh.redact("value-set-before-import-42")).toBe(MASK);
      expect(fresh.redactor.redact("value-set-before-import-42")).toBe(MASK);
    } finally {
      delete process.env.IMPORT_TIME_TOKEN;
    }
  });

  it("keeps errors as errors, leaves class instances to their serializers, and survives cycles", () => {
    const r = createRedactor().add("deep-secret-value-9");
    const error = Object.assign(new TypeError("bad deep-secret-value-9"), { code: "deep-secret-value-9" });
    const out = r.redactDeep({ error, when: new Date(0), list: [new URL("https://x.test/")] });
    expect(out.error).toBeInstanceOf(Error);
    expect(out.error.name).toBe("TypeError");
    expect(out.error.message).toBe(`bad ${MASK}`);
    expect(out.error.stack).not.toContain("deep-secret-value-9");
    expect((out.error as unknown as { code: string }).code).toBe(MASK);
    expect(out.when).toBeInstanceOf(Date);
    expect(out.list[0]).toBeInstanceOf(URL);
    const cyclic: { self?: unknown; s: string } = { s: "deep-secret-value-9" };
    cyclic.self = cyclic;
    expect(r.redactDeep(cyclic)).toEqual({ s: MASK, self: "[Circular]" });
  });

  it("masks what is left of a PEM block whose BEGIN line was cut off", () => {
    const body = Array.from({ length: 3 }, (_, i) => `MIIEowIBAAKCAQEA${i}${"q".repeat(40)}`).join("\n");
    expect(createRedactor().redact(`tail:\n${body}\n-----END RSA PRIVATE KEY-----\nnext`)).toBe(
      `tail:\n${MASK}\nnext`,
    );
    // Base64 lines without an END line are data, not a key.
    const blob = `${"QUJD".repeat(19)}\n`.repeat(2_000);
    expect(createRedactor().redact(blob)).toBe(blob);
  });
});
