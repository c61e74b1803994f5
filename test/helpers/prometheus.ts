/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for tests: every sample
 * must belong to a family declared with `# TYPE` before it, names and labels must be well formed,
 * values must be numbers, and histograms must have cumulative buckets ending in `+Inf` equal to
 * `_count`. Anything else throws, naming the line.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string;
  samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const lines = text.split("\n");
  if (lines.at(-1) !== "") throw new Error("exposition must end with a newline");
  lines.forEach((line, index) => {
    const where = `line ${index + 1} (${JSON.stringify(line)})`;
    if (line === "") return;
    if (line.startsWith("#")) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!match) return; // a plain comment
      const [, kind, name, rest] = match as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name at ${where}`);
      const family = families.get(name) ?? { name, type: "untyped" as const, help: "", samples: [] };
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`unknown type at ${where}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples at ${where}`);
        family.type = rest as PromFamily["type"];
      } else family.help = rest;
      families.set(name, family);
      return;
    }
    const sample = parseSample(line, where);
    const family = familyOf(sample.name, families);
    if (!family) throw new Error(`sample of an undeclared family at ${where}`);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

function familyOf(name: string, families: Map<string, PromFamily>): PromFamily | undefined {
  const direct = families.get(name);
  if (direct) return direct;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!name.endsWith(suffix)) continue;
    const family = families.get(name.slice(0, -suffix.length));
    if (family && (family.type === "histogram" || family.type === "summary")) return family;
  }
  return undefined;
}

function parseSample(line: string, where: string): PromSample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(line);
  if (!match) throw new Error(`malformed sample at ${where}`);
  const [, name, labelText, valueText] = match as unknown as [string, string, string | undefined, string];
  return {
    name,
    labels: labelText ? parseLabels(labelText.slice(1, -1), where) : {},
    value: parseValue(valueText, where),
  };
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf("=", i);
    if (eq < 0) throw new Error(`label without '=' at ${where}`);
    const name = text.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`bad label name '${name}' at ${where}`);
    if (text[eq + 1] !== '"') throw new Error(`label value not quoted at ${where}`);
    let j = eq + 2;
    let value = "";
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === "\\") {
        const next = text[++j];
        if (next === "n") value += "\n";
        else if (next === "\\" || next === '"') value += next;
        else throw new Error(`bad escape in label value at ${where}`);
      } else value += text[j];
    }
    if (text[j] !== '"') throw new Error(`unterminated label value at ${where}`);
    if (name in labels) throw new Error(`duplicate label '${name}' at ${where}`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ",") i++;
    else if (i < text.length) throw new Error(`expected ',' between labels at ${where}`);
  }
  return labels;
}

function parseValue(text: string, where: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new Error(`bad value '${text}' at ${where}`);
  return Number(text);
}

function checkHistogram(family: PromFamily): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  const key = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== "le")
        .sort(),
    );
  for (const s of family.samples) {
    const entry = series.get(key(s.labels)) ?? { buckets: [] };
    if (s.name.endsWith("_bucket")) {
      if (s.labels.le === undefined) throw new Error(`${s.name} without le`);
      entry.buckets.push([parseValue(s.labels.le, s.name), s.value]);
    } else if (s.name.endsWith("_count")) entry.count = s.value;
    series.set(key(s.labels), entry);
  }
  for (const [labels, entry] of series) {
    const buckets = entry.buckets;
    if (buckets.at(-1)?.[0] !== Infinity) throw new Error(`${family.name}${labels}: last bucket is not +Inf`);
    for (let i = 1; i < buckets.length; i++)
      if (buckets[i]![0] <= buckets[i - 1]![0] || buckets[i]![1] < buckets[i - 1]![1])
        throw new Error(`${family.name}${labels}: buckets are not cumulative`);
    if (entry.count !== buckets.at(-1)![1]) throw new Error(`${family.name}${labels}: +Inf bucket != _count`);
  }
}

/** The value of one sample of a family whose labels include `labels`, or undefined. */
export function sampleValue(
  families: Map<string, PromFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const family of families.values())
    for (const s of family.samples)
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
  return undefined;
}
