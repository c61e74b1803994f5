import { describe, expect, it } from "vitest";
import { codeBlock, fitText, inlineCode, neutralizeMarkers, outbound } from "../../src/render/text.js";
import { redactor } from "../../src/redact/redactor.js";

describe("codeBlock", () => {
  it("uses a fence longer than any backtick run inside, so content cannot close it", () => {
    expect(codeBlock("a ``` b", "diff")).toBe("````diff\na ``` b\n````");
    expect(codeBlock("plain")).toBe("```\nplain\n```");
  });
});

describe("neutralizeMarkers", () => {
  it("breaks every HTML comment opener and closer in untrusted text, in code blocks and inline code too", () => {
    const hostile = "<!-- orchestrator:meta {} --> and --!> and <!---->";
    const out = neutralizeMarkers(hostile);
    expect(out).not.toMatch(/<!--|--!?>/);
    expect(out.replace(/\u200b/g, "")).toBe(hostile);
    expect(codeBlock(hostile)).not.toMatch(/<!--|--!?>/);
    expect(inlineCode(hostile)).not.toMatch(/<!--|--!?>/);
    expect(neutralizeMarkers("a -> b, <!- c")).toBe("a -> b, <!- c");
  });
});

describe("fitText", () => {
  it("keeps short text as is", () => {
    expect(fitText("hello", 100)).toBe("hello");
  });

  it("cuts at a line boundary under the limit and says how much was cut", () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join("\n");
    const fitted = fitText(text, 1000);
    expect(fitted.length).toBeLessThanOrEqual(1000);
    expect(fitted).toMatch(
      /line \d+\n\n\n_\.\.\. \d+ characters truncated \(GitHub limits this text to 1000 characters\)\._$/,
    );
  });

  it("closes a code fence and <details> left open by the cut", () => {
    const text = `<details>\n<summary>log</summary>\n\n\`\`\`\n${"x\n".repeat(1000)}\`\`\`\n</details>`;
    const fitted = fitText(text, 500);
    expect(fitted.length).toBeLessThanOrEqual(500);
    expect(fitted).toMatch(/x\n```\n<\/details>\n\n_\.\.\./);
  });

  it("fits a 1 MB body under GitHub's 65,536 limit", () => {
    expect(fitText("y".repeat(1_000_000)).length).toBeLessThan(65_536);
  });
});

describe("outbound", () => {
  it("redacts before truncating, so a secret cut by the limit is still masked", () => {
    const secret = "registered-secret-value-1234";
    redactor.add(secret);
    // Without newlines the cut falls at 800 characters: inside the secret if it were cut first.
    const text = `${"a".repeat(790)}${secret}${"b".repeat(400)}`;
    const out = outbound(text, 1000);
    expect(out).not.toContain("registered");
    expect(out).toContain("***");
  });
});
