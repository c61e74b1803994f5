/**
 * The one redactor for everything that leaves the process: comments, check runs, PR bodies,
 * deployment statuses, logs and artifacts. Secrets are registered when they are created (installation
 * tokens) or read (env values); shapes that look like GitHub tokens or PEM blocks are always masked.
 */

export const MASK = "***";

const TOKEN_SHAPES: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{30,255}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g,
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /\b(?:x-access-token|oauth2|token):[^@\s/]+@/gi,
  /\b(authorization:\s*(?:bearer|token|basic)\s+)[^\s"']+/gi,
];

/** Env keys whose values are secrets. */
const SECRET_ENV_KEY = /(TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|CREDENTIAL|_KEY$)/i;
const MIN_SECRET_LENGTH = 8;

export class Redactor {
  private readonly literals = new Set<string>();
  private pattern: RegExp | null = null;

  /** Registers a secret and its base64 forms (as they appear inside basic-auth headers or payloads). */
  add(secret: string | undefined | null): void {
    if (!secret) return;
    const value = secret.trim();
    if (value.length < MIN_SECRET_LENGTH) return;
    for (const form of [value, ...base64Forms(value), ...base64Forms(`x-access-token:${value}`)]) {
      if (form.length >= MIN_SECRET_LENGTH) this.literals.add(form);
    }
    // A multi-line secret (a PEM) is also masked line by line, in case it is printed wrapped.
    for (const line of value.split(/\r?\n/)) {
      if (line.trim().length >= 16) this.literals.add(line.trim());
    }
    this.pattern = null;
  }

  /** Registers the values of secret-looking environment variables. */
  addFromEnv(env: NodeJS.ProcessEnv = process.env): void {
    for (const [key, value] of Object.entries(env)) {
      if (value && SECRET_ENV_KEY.test(key)) this.add(value);
    }
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
      out = out.replace(shape, (match, prefix: unknown) =>
        typeof prefix === "string" && match.toLowerCase().startsWith("authorization")
          ? `${prefix}${MASK}`
          : MASK,
      );
    }
    return out;
  }

  /** Deep-redacts every string inside a JSON-like value. */
  redactDeep<T>(value: T): T {
    if (typeof value === "string") return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactDeep(v)])) as T;
    }
    return value;
  }
}

/**
 * A secret inside a longer base64 string is encoded differently depending on its byte offset mod 3.
 * For each alignment, keep only the characters that depend on the secret's bytes alone.
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString("base64");
    const start = Math.ceil((pad * 8) / 6);
    const end = Math.floor(((pad + bytes.length) * 8) / 6);
    forms.push(encoded.slice(start, end));
  }
  return forms;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The process-wide redactor: app and runner register every token they mint here. */
export const redactor = new Redactor();
redactor.addFromEnv();

export function redact(text: string): string {
  return redactor.redact(text);
}
