import { describe, expect, it } from "vitest";
import { parsePrometheusText, sampleValue } from "./prometheus.js";

const GOOD = `# HELP a_total Things.
# TYPE a_total counter
a_total{service="web",state="ok"} 3
# TYPE h histogram
h_bucket{le="1"} 1
h_bucket{le="+Inf"} 2
h_sum 3.5
h_count 2
`;

describe("parsePrometheusText", () => {
  it("reads families, labels and values", () => {
    const families = parsePrometheusText(GOOD);
    expect(families.get("a_total")).toMatchObject({ type: "counter", help: "Things." });
    expect(sampleValue(families, "a_total", { service: "web" })).toBe(3);
    expect(sampleValue(families, "h_count")).toBe(2);
  });

  const bad = [
    ["an undeclared family", "x 1\n"],
    ["an unquoted label", "# TYPE x gauge\nx{a=b} 1\n"],
    ["a bad value", "# TYPE x gauge\nx 1,5\n"],
    ["no trailing newline", "# TYPE x gauge\nx 1"],
    ["non-cumulative buckets", '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
    ["+Inf bucket != count", '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\n'],
  ] as const;
  for (const [what, text] of bad)
    it(`refuses ${what}`, () => {
      expect(() => parsePrometheusText(text)).toThrow();
    });
});
