/**
 * The one redactor for everything that leaves the process: comments, check runs, PR bodies,
 * deployment statuses, logs and artifacts. Each entry point creates one with `createRedactor()` at
 * start-up, registers the secrets it reads (env values) and mints (installation tokens), and hands it to
 * its logger and its Octokit. Shapes that look like GitHub tokens or PEM blocks are always masked.
 */
import { encodedForms } from "./secret-forms.js";
import { maskPemTails, TOKEN_SHAPES } from "./token-shapes.js";

export const MASK = "***";

/** Env keys whose values are secrets. */
const SECRET_ENV_KEY = /(TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|CREDENTIAL|_KEY$)/i;
const MIN_SECRET_LENGTH = 8;

export class Redactor {
  private readonly literals = new Set<string>();
  private pattern: RegExp | null = null;

  /**
   * Registers a secret with every form it can take on the way out: base64 (three alignments, also
   * inside `x-access-token:` basic auth), base64url, URL-encoded, JSON-escaped, hex; and, for a
   * multi-line secret (a PEM), each of its lines.
   */
  add(secret: string | undefined | null): this {
    if (!secret) return this;
    const value = secret.trim();
    if (value.length < MIN_SECRET_LENGTH) return this;
    const lines = value.split(/\r?\n/).map((line) => line.trim());
    for (const part of [value, ...(lines.length > 1 ? lines.filter((l) => l.length >= 16) : [])]) {
      for (const form of encodedForms(part)) if (form.length >= MIN_SECRET_LENGTH) this.literals.add(form);
    }
    this.pattern = null;
    return this;
  }

  /** Registers the values of secret-looking environment variables. */
  addFromEnv(env: NodeJS.ProcessEnv = process.env): this {
    for (const [key, value] of Object.entries(env)) {
      if (value && SECRET_ENV_KEY.test(key)) this.add(value);
    }
    return this;
  }

  /** How many literal forms are registered (for tests and diagnostics; never the forms themselves). */
  get size(): number {
    return this.literals.size;
  }

  redact(text: string): string {
    let out = text;
    if (this.literals.size > 0) {
      this.pattern ??= new RegExp(
        [...this.literals]
          .sort((a, b) => b.length - a.length)
          .map(escapeRegExp)
          .join("|"),
        "g",
      );
      out = out.replace(this.pattern, MASK);
    }
    for (const shape of TOKEN_SHAPES) {
      out = out.replace(shape.pattern, (...match: unknown[]) =>
        shape.keep ? `${String(match[shape.keep] ?? "")}${MASK}` : MASK,
      );
    }
    return maskPemTails(out, MASK);
  }

  /**
   * A redacted copy of a JSON-like value: every string in arrays and plain objects (keys included) is
   * redacted; errors stay errors (message, stack, cause and own fields redacted). Anything else (class
   * instances such as requests or buffers) is returned as it is, for its own serializer; cycles become
   * "[Circular]".
   */
  redactDeep<T>(value: T): T {
    return this.deep(value, new WeakSet()) as T;
  }

  private deep(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === "string") return this.redact(value);
    if (value === null || typeof value !== "object") return value;
    const proto: unknown = Object.getPrototypeOf(value);
    const plain = proto === Object.prototype || proto === null;
    if (!plain && !Array.isArray(value) && !(value instanceof Error)) return value;
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    try {
      if (value instanceof Error) return this.redactError(value, seen);
      if (Array.isArray(value)) return value.map((v) => this.deep(v, seen));
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.deep(v, seen)]));
    } finally {
      seen.delete(value);
    }
  }

  private redactError(error: Error, seen: WeakSet<object>): Error {
    const copy = new Error(this.redact(error.message));
    Object.defineProperty(copy, "name", { value: error.name, enumerable: false, writable: true });
    copy.stack = error.stack === undefined ? undefined : this.redact(error.stack);
    if (error.cause !== undefined) copy.cause = this.deep(error.cause, seen);
    for (const [k, v] of Object.entries(error)) {
      (copy as unknown as Record<string, unknown>)[k] = this.deep(v, seen);
    }
    return copy;
  }
}

/** A new, empty redactor: the entry points create one at start-up and pass it on. */
export function createRedactor(): Redactor {
  return new Redactor();
}

export { base64Forms } from "./secret-forms.js";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/*
 * The process's redactor, for the module-level helpers below. It starts empty (shapes only) and fills
 * nothing by itself: the entry point that created the process's redactor installs it with
 * `useProcessRedactor`. The helpers exist so the many call sites that redact text on its way into
 * journals, artifacts and answers keep one import; outbound requests and log lines do not depend on
 * them (the Octokit hook and the logger redact on their own).
 */
let current: Redactor = createRedactor();

/** Makes `r` the redactor behind `redact()` / `redactor` (the entry point calls this once). */
export function useProcessRedactor(r: Redactor): Redactor {
  current = r;
  return r;
}

/** The process's redactor (what `useProcessRedactor` installed). */
export function processRedactor(): Redactor {
  return current;
}

/** A view of the process's redactor, for call sites that register what they mint. */
export const redactor = {
  add: (secret: string | undefined | null): Redactor => current.add(secret),
  addFromEnv: (env?: NodeJS.ProcessEnv): Redactor => current.addFromEnv(env),
  redact: (text: string): string => current.redact(text),
  redactDeep: <T>(value: T): T => current.redactDeep(value),
};

export function redact(text: string): string {
  return current.redact(text);
}
