import { formatMs } from "../../../runner/cli/render.js";
import { errorMessage } from "../../../github/errors.js";

export interface DemoStepResult {
  title: string;
  /** "ok", "FAILED" (did not do what it says), or "skipped" (with why). */
  outcome: "ok" | "FAILED" | "skipped";
  detail: string;
  durationMs: number;
}

export type StepBody = () => Promise<{ ok: boolean; detail: string }>;

/** Numbered demo steps: each prints its title, runs, and prints what it did; a failure stops the rest. */
export class DemoSteps {
  readonly results: DemoStepResult[] = [];
  private failed = false;

  constructor(
    private readonly out: (text: string) => void,
    private readonly total: number,
  ) {}

  get ok(): boolean {
    return !this.failed;
  }

  /** Runs a step; after a failure only steps marked `always` (clean-up) still run. */
  async run(title: string, body: StepBody, opts: { always?: boolean } = {}): Promise<boolean> {
    const n = this.results.length + 1;
    if (this.failed && !opts.always) {
      this.results.push({ title, outcome: "skipped", detail: "an earlier step failed", durationMs: 0 });
      return false;
    }
    this.out(`\n[${n}/${this.total}] ${title}\n`);
    const began = Date.now();
    let ok = false;
    let detail: string;
    try {
      ({ ok, detail } = await body());
    } catch (error) {
      detail = errorMessage(error);
    }
    const durationMs = Date.now() - began;
    this.results.push({ title, outcome: ok ? "ok" : "FAILED", detail, durationMs });
    this.out(`  ${ok ? "ok" : "FAILED"} (${formatMs(durationMs)}): ${detail}\n`);
    if (!ok) this.failed = true;
    return ok;
  }

  skip(title: string, why: string): void {
    this.results.push({ title, outcome: "skipped", detail: why, durationMs: 0 });
    this.out(`\n[${this.results.length}/${this.total}] ${title}\n  skipped: ${why}\n`);
  }
}

export function renderStepTable(results: DemoStepResult[]): string {
  const width = Math.max(...results.map((r) => r.title.length));
  return results
    .map((r, i) => {
      const time = r.outcome === "skipped" ? "" : formatMs(r.durationMs);
      const why = r.outcome === "skipped" ? `  ${r.detail}` : "";
      return `  ${String(i + 1).padStart(2)}. ${r.title.padEnd(width)}  ${r.outcome.padEnd(7)} ${time.padStart(8)}${why}`.trimEnd();
    })
    .join("\n");
}
