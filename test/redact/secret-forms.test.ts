import { describe, expect, it } from "vitest";
import { encodedForms, hexForms, jsonForms, urlForms } from "../../src/redact/secret-forms.js";

const SECRET = 'p@ss "word"\\with\ttab/+=é';

describe("secret forms", () => {
  it("has the URL encodings that encodeURIComponent, URLSearchParams and full percent-encoding produce", () => {
    const forms = urlForms(SECRET);
    expect(forms).toContain(encodeURIComponent(SECRET));
    expect(forms).toContain(new URLSearchParams({ v: SECRET }).toString().slice(2));
    expect(forms).toContain(encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  });

  it("has the JSON-escaped form, escaped once and twice", () => {
    const forms = jsonForms(SECRET);
    expect(JSON.stringify({ s: SECRET })).toContain(forms[0]!);
    expect(JSON.stringify({ s: JSON.stringify({ s: SECRET }) })).toContain(forms[1]!);
  });

  it("has the hex form in both cases", () => {
    expect(hexForms("abc-secret")).toEqual(["6162632d736563726574", "6162632D736563726574"]);
  });

  it("lists the secret first and no form twice", () => {
    const forms = encodedForms(SECRET);
    expect(forms[0]).toBe(SECRET);
    expect(new Set(forms).size).toBe(forms.length);
  });
});
