import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { JWT_CLOCK_SKEW_S, skewTolerantJwt, withSkewTolerantJwt } from "../../src/github/app-jwt.js";
import { verifyAppJwt } from "../e2e/fake-github-server.js";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const publicKey = createPublicKey(privateKey);
const NOW = Date.parse("2026-03-02T09:00:00Z");

function claims(jwt: string): { iat: number; exp: number; iss: unknown } {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as never;
}

describe("skewTolerantJwt", () => {
  it("sets issued-at back a minute and lives ten minutes, signed RS256 for the App", async () => {
    const { jwt, expiresAt } = await skewTolerantJwt(privateKey, () => NOW)(123);
    expect(claims(jwt)).toEqual({ iat: NOW / 1000 - JWT_CLOCK_SKEW_S, exp: NOW / 1000 + 540, iss: 123 });
    expect(expiresAt).toBe(new Date(NOW + 540_000).toISOString());
    expect(verifyAppJwt(jwt, publicKey, 123, NOW)).toBeNull();
  });

  it("is accepted by a GitHub whose clock is 60 s behind or ahead, refused at 61 s behind", async () => {
    const { jwt } = await skewTolerantJwt(privateKey, () => NOW)(123);
    expect(verifyAppJwt(jwt, publicKey, 123, NOW - 60_000)).toBeNull();
    expect(verifyAppJwt(jwt, publicKey, 123, NOW + 60_000)).toBeNull();
    expect(verifyAppJwt(jwt, publicKey, 123, NOW - 61_000)).toMatch(/'Issued at' claim \('iat'\)/);
  });

  it("applies Octokit's time correction and reads keys with escaped newlines", async () => {
    const escaped = privateKey.replace(/\n/g, "\\n");
    const { jwt } = await skewTolerantJwt(escaped, () => NOW)(7, -30);
    expect(claims(jwt).iat).toBe(NOW / 1000 - 30 - JWT_CLOCK_SKEW_S);
    expect(verifyAppJwt(jwt, publicKey, 7, NOW - 90_000)).toBeNull();
  });
});

describe("withSkewTolerantJwt", () => {
  it("swaps the App's private key for the JWT factory and leaves other auth alone", () => {
    const app = withSkewTolerantJwt({ baseUrl: "x", auth: { appId: 1, privateKey, installationId: 5 } });
    expect(app.auth).toEqual({ appId: 1, installationId: 5, createJwt: expect.any(Function) });
    const token = { auth: { token: "abc" } };
    expect(withSkewTolerantJwt(token)).toBe(token);
    const none = { baseUrl: "y" };
    expect(withSkewTolerantJwt(none)).toBe(none);
  });
});
