/**
 * The forms a secret takes once some layer has encoded it: what the redactor must recognise besides
 * the secret itself. Each form is a literal; the redactor masks any of them wherever it appears.
 */

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

/** Percent-encodings as `encodeURIComponent`, `encodeURI` and HTML forms (`+` for space) write them, in both hex cases. */
export function urlForms(secret: string): string[] {
  const forms = new Set<string>();
  const encoders = [
    encodeURIComponent,
    encodeURI,
    (s: string) => new URLSearchParams({ v: s }).toString().slice(2),
    (s: string) => [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
  ];
  for (const encode of encoders) {
    const encoded = encode(secret);
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    forms.add(encoded.replace(/%[0-9a-f]{2}/g, (m) => m.toUpperCase()));
  }
  return [...forms];
}

/** The secret inside a JSON string, and inside a JSON string that is itself JSON-encoded. */
export function jsonForms(secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  const ascii = once.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return [once, twice, ascii];
}

export function hexForms(secret: string): string[] {
  const hex = Buffer.from(secret, "utf8").toString("hex");
  return [hex, hex.toUpperCase()];
}

/** Every form of `secret` the redactor masks, the secret itself first; duplicates removed. */
export function encodedForms(secret: string): string[] {
  const base64 = [...base64Forms(secret), ...base64Forms(`x-access-token:${secret}`)];
  const base64url = base64.map((f) => f.replace(/\+/g, "-").replace(/\//g, "_"));
  return [
    ...new Set([
      secret,
      ...base64,
      ...base64url,
      ...urlForms(secret),
      ...jsonForms(secret),
      ...hexForms(secret),
    ]),
  ];
}
