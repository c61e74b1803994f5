import { describe, expect, it } from "vitest";
import { confidenceText } from "../../src/render/fix-story.js";

describe("confidenceText", () => {
  it("prints a percentage and a level, clamped to 0..100", () => {
    expect(confidenceText(0.93)).toBe("93% (high)");
    expect(confidenceText(0.7)).toBe("70% (medium)");
    expect(confidenceText(0.4)).toBe("40% (low: check the evidence)");
    expect(confidenceText(1.7)).toBe("100% (high)");
    expect(confidenceText(-1)).toBe("0% (low: check the evidence)");
  });
});
