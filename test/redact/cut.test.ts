import { afterEach, describe, expect, it } from "vitest";
import { redactThenCut, tailFromLineStart, windowWithoutCutWords } from "../../src/redact/cut.js";
import { createRedactor, processRedactor, useProcessRedactor } from "../../src/redact/redactor.js";

const before = processRedactor();
afterEach(() => {
  useProcessRedactor(before);
});

describe("redactThenCut", () => {
  it("masks a token the cut would otherwise split, and keeps within the limit", () => {
    const token = `ghp_${"Z9".repeat(18)}`;
    const text = `${"x".repeat(20)} ${token} tail`;
    const out = redactThenCut(text, 30);
    expect(out).toBe(`${"x".repeat(20)} *** tail`);
    expect(redactThenCut(`${"y".repeat(50)} ${token}`, 40)).toBe(`${"y".repeat(39)}…`);
  });

  it("uses the process redactor's registered secrets", () => {
    useProcessRedactor(createRedactor().add("registered-secret-1234"));
    expect(redactThenCut("a registered-secret-1234 b", 10, "...")).toBe("a *** b");
  });
});

describe("windowWithoutCutWords", () => {
  it("drops the words the window cut at both edges", () => {
    const line = "alpha beta gamma delta";
    expect(windowWithoutCutWords(line, 2, 19)).toBe(" beta gamma");
    expect(windowWithoutCutWords(line, 0, line.length)).toBe(line);
    expect(windowWithoutCutWords(line, 6, 16)).toBe("beta gamma");
  });

  it("leaves nothing of a token that spans the whole window", () => {
    expect(windowWithoutCutWords(`x ${"A".repeat(100)} y`, 10, 40)).toBe("");
  });
});

describe("tailFromLineStart", () => {
  it("keeps the tail from the first whole line", () => {
    expect(tailFromLineStart("first line\nsecond\nthird", 14)).toBe("second\nthird");
    expect(tailFromLineStart("short", 14)).toBe("short");
  });
});
