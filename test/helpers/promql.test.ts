import { describe, expect, it } from "vitest";
import { parsePromql } from "./promql.js";

describe("parsePromql", () => {
  it("returns the selected metric names of a valid expression", () => {
    const parsed = parsePromql(
      'histogram_quantile(0.9, sum by (le) (rate(a_bucket{step="x"}[5m]))) / on() group_left b > 0',
    );
    expect(parsed).toEqual({
      errors: [],
      metrics: ["a_bucket", "b"],
      selectors: [
        { metric: "a_bucket", labels: ["step"] },
        { metric: "b", labels: [] },
      ],
    });
  });

  it.each(["sum(rate(a[5m]) >", 'a{state="x"', "rate(a[5m]))", "a +"])(
    "reports a syntax error in %s",
    (expr) => {
      expect(parsePromql(expr).errors.length).toBeGreaterThan(0);
    },
  );
});
