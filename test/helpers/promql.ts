/**
 * Parses PromQL with the Prometheus project's own grammar (`@prometheus-io/lezer-promql`, the
 * parser of the Prometheus web UI), so alert rules and dashboard queries are checked the way
 * `promtool check rules` checks expressions: a syntax error is reported with its offset, and the
 * metric names the expression selects come from the syntax tree, not from a pattern.
 */
import { parser } from "@prometheus-io/lezer-promql";

export interface PromqlParse {
  /** Offsets of the syntax errors, each with the text from there (at most 20 characters). */
  errors: string[];
  /** Every metric name the expression selects, in order, without duplicates. */
  metrics: string[];
  /** Each selector's metric name with the label names its matchers use. */
  selectors: { metric: string; labels: string[] }[];
}

export function parsePromql(expr: string): PromqlParse {
  const errors: string[] = [];
  const metrics = new Set<string>();
  const selectors: PromqlParse["selectors"] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError)
        errors.push(`at ${node.from}: ${JSON.stringify(expr.slice(node.from, node.from + 20))}`);
      // A selector's metric name is the Identifier directly under its VectorSelector.
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") {
        const metric = expr.slice(node.from, node.to);
        metrics.add(metric);
        const matchers = node.node.parent.getChild("LabelMatchers");
        const labels: string[] = [];
        matchers?.toTree().iterate({
          enter(m) {
            if (m.name === "LabelName") labels.push(expr.slice(matchers.from + m.from, matchers.from + m.to));
          },
        });
        selectors.push({ metric, labels });
      }
    },
  });
  return { errors, metrics: [...metrics], selectors };
}
