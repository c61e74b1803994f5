/**
 * Service names a log points at, as candidates: the caller matches them against the configured services
 * (a BuildKit stage name such as `builder` looks the same as a compose service name here).
 */

interface HintRule {
  /** A literal the line must contain before the regex is tried (most candidate lines hold none). */
  literal: string;
  pattern: RegExp;
  /** A strong hint names the failing service, not just one that was built or mentioned. */
  strong: boolean;
}

const STEP = String.raw`\[([a-z0-9][\w.-]*)(?: [\w.-]+)? \d+/\d+\]`;
const RULES: HintRule[] = [
  { literal: "Building ", pattern: /^Building ([a-z0-9][\w.-]*)$/, strong: false },
  { literal: "> ", pattern: new RegExp(`(?:=> ERROR |^\\s*> )${STEP}`), strong: true },
  { literal: "[", pattern: new RegExp(`(?:^#\\d+ |=> )${STEP}`), strong: false },
  { literal: "target ", pattern: /\btarget ([a-z0-9][\w.-]*): failed to solve/, strong: true },
  { literal: "failed to solve:", pattern: /failed to solve:.*\btarget ([a-z0-9][\w.-]*):/, strong: true },
  { literal: "failed to build", pattern: /Service '([a-z0-9][\w.-]*)' failed to build/, strong: true },
  {
    literal: "didn't complete",
    pattern: /service "([a-z0-9][\w.-]*)" didn't complete successfully/,
    strong: true,
  },
  { literal: "services/", pattern: /(?:^|[\s"'(/])services\/([a-z0-9][\w.-]*)\//, strong: false },
];
const NOT_SERVICES = new Set(["internal", "auth", "stage", "base"]);

export interface ServiceHint {
  name: string;
  strong: boolean;
}

export function matchServiceHints(line: string): ServiceHint[] {
  const hints: ServiceHint[] = [];
  for (const rule of RULES) {
    if (!line.includes(rule.literal)) continue;
    const match = rule.pattern.exec(line);
    const name = match?.[1];
    if (name && isServiceName(name)) hints.push({ name, strong: rule.strong });
  }
  return hints;
}

function isServiceName(name: string): boolean {
  return !NOT_SERVICES.has(name) && !/^stage-\d+$/.test(name) && !/^\d+$/.test(name);
}

/** Keeps hints bounded and ordered: strong ones first, then the most recently seen. */
export class ServiceHintSet {
  private readonly seen = new Map<string, { strong: boolean; order: number }>();
  private counter = 0;

  constructor(private readonly limit = 32) {}

  /**
   * `order` says where in the log the hint was seen (higher is later); by default, after every hint so
   * far. A log read from its end passes it, so an older hint added later still ranks as older.
   */
  add(hint: ServiceHint, order = ++this.counter): void {
    const previous = this.seen.get(hint.name);
    const latest = Math.max(order, previous?.order ?? -Infinity);
    this.seen.delete(hint.name);
    this.seen.set(hint.name, { strong: hint.strong || (previous?.strong ?? false), order: latest });
    if (this.seen.size > this.limit) {
      // Over the limit: the oldest hint goes.
      let oldest: string | null = null;
      let oldestOrder = Infinity;
      for (const [name, entry] of this.seen) {
        if (entry.order < oldestOrder) [oldest, oldestOrder] = [name, entry.order];
      }
      this.seen.delete(oldest!);
    }
  }

  list(): string[] {
    return [...this.seen.entries()]
      .sort(([, a], [, b]) => Number(b.strong) - Number(a.strong) || b.order - a.order)
      .map(([name]) => name);
  }
}
