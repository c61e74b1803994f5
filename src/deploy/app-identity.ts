import type { SigningKey } from "./signing.js";

/**
 * Who the app's own bot is, as `GET /app` (authenticated with the App's JWT) says: the one account
 * whose deployments, deployment statuses and dispatches the app and the runner act on. GitHub logins
 * of people cannot contain `[`, so `<slug>[bot]` names exactly this App's bot user.
 */

export interface AppIdentity {
  id: number;
  slug: string;
  /** `<slug>[bot]`, the login the App's installation tokens act as. */
  botLogin: string;
}

export function appIdentity(data: { id?: unknown; slug?: unknown }): AppIdentity {
  if (typeof data.id !== "number" || typeof data.slug !== "string" || data.slug === "")
    throw new Error("GET /app did not return the App's id and slug");
  return { id: data.id, slug: data.slug, botLogin: `${data.slug}[bot]` };
}

export interface UserLike {
  login?: string | null;
  type?: string | null;
}

/** Is `user` this App's bot? Logins compare case-insensitively; a `type` other than Bot never is. */
export function isAppBot(user: UserLike | null | undefined, identity: AppIdentity): boolean {
  if (!user?.login) return false;
  if (user.type && user.type !== "Bot") return false;
  return user.login.toLowerCase() === identity.botLogin.toLowerCase();
}

/** Caches the first successful lookup; a failed one is retried on the next call. */
export function cachedIdentity(lookup: () => Promise<AppIdentity>): () => Promise<AppIdentity> {
  let pending: Promise<AppIdentity> | null = null;
  return () => {
    pending ??= lookup().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}

/** What the app and the runner check before trusting a deployment, status, marker or dispatch. */
export interface Trust {
  /** null when no key could be derived (then nothing is signed or trusted; `keyProblem` says why). */
  key: SigningKey | null;
  keyProblem: string | null;
  identity: () => Promise<AppIdentity>;
}
