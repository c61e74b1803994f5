import { createPrivateKey, sign, type KeyObject } from "node:crypto";

/** How far behind ours GitHub's clock may be and still accept the App's JWT. */
export const JWT_CLOCK_SKEW_S = 60;
/** GitHub's longest JWT lifetime: `exp` at most ten minutes after `iat`. */
const JWT_LIFETIME_S = 600;

type CreateJwt = (
  appId: number | string,
  timeDifference?: number,
) => Promise<{ jwt: string; expiresAt: string }>;

/**
 * The App JWT with its issued-at set back JWT_CLOCK_SKEW_S seconds (Octokit's own sets it back 30),
 * so a GitHub whose clock is up to a minute behind ours accepts it; it still lives ten minutes.
 * `timeDifference` is Octokit's correction after GitHub answered with a clock-skew error.
 */
export function skewTolerantJwt(privateKey: string, now: () => number = Date.now): CreateJwt {
  let key: KeyObject | null = null;
  return async (appId, timeDifference = 0) => {
    key ??= createPrivateKey(privateKey.replace(/\\n/g, "\n"));
    const iat = Math.floor(now() / 1000) + timeDifference - JWT_CLOCK_SKEW_S;
    const exp = iat + JWT_LIFETIME_S;
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const unsigned = `${part({ alg: "RS256", typ: "JWT" })}.${part({ iat, exp, iss: appId })}`;
    const signature = sign("RSA-SHA256", Buffer.from(unsigned), key).toString("base64url");
    return { jwt: `${unsigned}.${signature}`, expiresAt: new Date(exp * 1000).toISOString() };
  };
}

/**
 * Octokit constructor options with App credentials switched to skewTolerantJwt (Octokit's App auth
 * takes a private key or a JWT factory, not both). Other options pass through unchanged.
 */
export function withSkewTolerantJwt<T extends Record<string, unknown>>(options: T): T {
  const auth = options.auth as Record<string, unknown> | undefined;
  if (!auth || typeof auth !== "object" || typeof auth.privateKey !== "string" || auth.appId === undefined)
    return options;
  const { privateKey, ...rest } = auth;
  return { ...options, auth: { ...rest, createJwt: skewTolerantJwt(privateKey as string) } };
}
