import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  deploymentSignatureProblem,
  deploymentSignedText,
  deriveSigningKey,
  sign,
  SigningKeyError,
  verify,
} from "../../src/deploy/signing.js";
import { testPrivateKey } from "../helpers/github.js";

const facts = {
  repo: "acme/stack",
  environment: "production",
  sha: "a".repeat(40),
  service: "api",
  pr: 12,
  reason: "merge",
  requested_by: "alice",
  signed_at: "2026-01-01T00:00:00.000Z",
};

describe("signing key", () => {
  it("is the same for the PKCS#1 and PKCS#8 encodings of one private key, and for escaped newlines", () => {
    const pkcs1 = testPrivateKey();
    const pkcs8 = createPrivateKey(pkcs1).export({ type: "pkcs8", format: "pem" }).toString();
    const text = deploymentSignedText(facts);
    const sig = sign(deriveSigningKey({ privateKey: pkcs1 }), text);
    expect(verify(deriveSigningKey({ privateKey: pkcs8 }), text, sig)).toBe(true);
    expect(verify(deriveSigningKey({ privateKey: pkcs1.replace(/\n/g, "\\n") }), text, sig)).toBe(true);
  });

  it("differs for another private key and for a configured secret, which wins over the private key", () => {
    const text = deploymentSignedText(facts);
    const sig = sign(deriveSigningKey({ privateKey: testPrivateKey() }), text);
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    expect(verify(deriveSigningKey({ privateKey: other.toString() }), text, sig)).toBe(false);
    const secret = "s".repeat(40);
    const withSecret = deriveSigningKey({ secret, privateKey: testPrivateKey() });
    expect(withSecret.source).toBe("ORCHESTRATOR_SIGNING_KEY");
    expect(verify(withSecret, text, sig)).toBe(false);
    expect(verify(withSecret, text, sign(deriveSigningKey({ secret }), text))).toBe(true);
  });

  it("refuses a short secret, a missing key and a non-PEM key, naming the variable", () => {
    expect(() => deriveSigningKey({ secret: "short" })).toThrow(
      /^ORCHESTRATOR_SIGNING_KEY is too short \(5 characters\): use at least 32/,
    );
    expect(() => deriveSigningKey({})).toThrow(SigningKeyError);
    expect(() => deriveSigningKey({})).toThrow(
      /set ORCHESTRATOR_SIGNING_KEY, or PRIVATE_KEY \/ PRIVATE_KEY_PATH/,
    );
    expect(() => deriveSigningKey({ privateKey: "not a key" })).toThrow(
      /PRIVATE_KEY \/ PRIVATE_KEY_PATH\) is not a readable PEM private key/,
    );
  });

  it("never prints or serializes its bytes", () => {
    const key = deriveSigningKey({ secret: "k".repeat(40) });
    expect(JSON.stringify({ key })).toBe('{"key":"[signing key from ORCHESTRATOR_SIGNING_KEY]"}');
    expect(String(key)).toBe("[signing key from ORCHESTRATOR_SIGNING_KEY]");
    expect(Object.keys(key)).toEqual(["source"]);
  });
});

describe("deployment signatures", () => {
  const key = deriveSigningKey({ secret: "k".repeat(40) });
  const sig = sign(key, deploymentSignedText(facts));

  it("accept the signed facts within the window around the deployment's creation", () => {
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(deploymentSignatureProblem(key, facts, sig, "2026-01-01T00:09:00Z")).toBeNull();
    expect(
      deploymentSignatureProblem(key, { ...facts, repo: "ACME/Stack" }, sig, facts.signed_at),
    ).toBeNull();
  });

  it("say why they refuse: missing, not matching, or signed long before the deployment was created", () => {
    expect(deploymentSignatureProblem(key, facts, undefined, facts.signed_at)).toBe(
      "the payload is not signed by the app (no sig)",
    );
    expect(deploymentSignatureProblem(key, facts, "zz", facts.signed_at)).toBe(
      "the payload signature does not match this repository, environment, commit and payload",
    );
    expect(deploymentSignatureProblem(key, { ...facts, rollback_of: 3 }, sig, facts.signed_at)).toMatch(
      /does not match/,
    );
    expect(deploymentSignatureProblem(key, facts, sig, "2026-01-01T00:11:00Z")).toBe(
      "the payload was signed at 2026-01-01T00:00:00.000Z, not when this deployment was created (2026-01-01T00:11:00Z): a copied payload",
    );
  });
});
