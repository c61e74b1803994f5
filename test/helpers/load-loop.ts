import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * A modest, steady load: sequential GETs with a short per-request timeout, recording every answer,
 * so a test can count failed requests and the longest stretch without a successful one.
 */
export interface LoadSample {
  at: number;
  ok: boolean;
  /** The body of a 2xx answer, trimmed; else the status or error. */
  body: string;
}

export interface LoadReport {
  requests: number;
  failed: number;
  failures: LoadSample[];
  /** Longest time between two successful answers (or from the start to the first), ms. */
  longestGapMs: number;
  /** When the longest gap ended (epoch ms). */
  longestGapEndAt: number;
  /** Distinct bodies of successful answers, in order of first appearance. */
  versions: string[];
}

export interface LoadLoop {
  stop(): Promise<LoadReport>;
  /** Answers so far. */
  samples(): LoadSample[];
}

export function summarize(samples: LoadSample[], startedAt: number, stoppedAt: number): LoadReport {
  let last = startedAt;
  let longest = 0;
  let endAt = startedAt;
  const versions: string[] = [];
  for (const s of samples) {
    if (!s.ok) continue;
    if (s.at - last > longest) {
      longest = s.at - last;
      endAt = s.at;
    }
    last = s.at;
    if (!versions.includes(s.body)) versions.push(s.body);
  }
  if (stoppedAt - last > longest) {
    longest = stoppedAt - last;
    endAt = stoppedAt;
  }
  const failures = samples.filter((s) => !s.ok);
  return {
    requests: samples.length,
    failed: failures.length,
    failures,
    longestGapMs: longest,
    longestGapEndAt: endAt,
    versions,
  };
}

/**
 * The loop itself, run in its own Node process: a runner deploying in the caller's process (journal
 * fsyncs, git and compose child processes) blocks the caller's event loop for tens of ms at a time,
 * and a loop sharing it would count those stalls as gaps of the service. One JSON line per answer.
 */
const LOOP_SOURCE = `
const [url, timeoutMs, pauseMs] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
let running = true;
process.stdin.on("data", () => { running = false; });
process.stdin.on("end", () => { running = false; });
const out = (o) => process.stdout.write(JSON.stringify(o) + "\\n");
(async () => {
  // A first request that is not counted: the client's cold start (connection, parsing) is not a gap.
  try {
    await (await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })).text();
  } catch {}
  out({ started: Date.now() });
  while (running) {
    let sample;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      const text = (await response.text()).trim();
      sample = { at: Date.now(), ok: response.ok, body: response.ok ? text : "HTTP " + response.status };
    } catch (error) {
      sample = { at: Date.now(), ok: false, body: (error && error.cause && error.cause.code) || (error && error.name) || String(error) };
    }
    out(sample);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  out({ stopped: Date.now() });
  process.stdin.destroy();
})();
`;

/**
 * Starts GETting `url` back to back (with `pauseMs` between requests) in a child Node process until
 * stop(). `ready` resolves after a first, uncounted request (the client warmed up): await it before
 * what is measured.
 */
export function startLoad(
  url: string,
  options: { timeoutMs?: number; pauseMs?: number } = {},
): LoadLoop & { ready: Promise<void> } {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const pauseMs = options.pauseMs ?? 10;
  const samples: LoadSample[] = [];
  let startedAt = Date.now();
  let stoppedAt: number | null = null;
  const child = spawn(process.execPath, ["-e", LOOP_SOURCE, url, String(timeoutMs), String(pauseMs)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    const parsed = JSON.parse(line) as LoadSample | { started: number } | { stopped: number };
    if ("started" in parsed) {
      startedAt = parsed.started;
      markReady();
    } else if ("stopped" in parsed) stoppedAt = parsed.stopped;
    else samples.push(parsed);
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    ready,
    samples: () => samples,
    async stop() {
      child.stdin.end("stop\n");
      const code = await exited;
      if (stoppedAt === null)
        throw new Error(`the load loop exited ${code} without finishing: ${stderr.trim() || "(no output)"}`);
      return summarize(samples, startedAt, stoppedAt);
    },
  };
}

/**
 * The longest stretch without a successful answer of `service` that the `baseline` loop, running at
 * the same time against something the deploy does not touch, does not explain: for each gap between
 * two successes of the service, its length minus the longest overlap with one gap of the baseline
 * (a stall of the machine or the client shows in both). Returns that excess and where its gap ended.
 */
export function gapBeyondBaseline(
  service: LoadSample[],
  baseline: LoadSample[],
  startedAt: number,
  stoppedAt: number,
): { excessMs: number; gapMs: number; endAt: number } {
  const gaps = (samples: LoadSample[]) => {
    const out: Array<[number, number]> = [];
    let last = startedAt;
    for (const s of samples) {
      if (!s.ok) continue;
      out.push([last, s.at]);
      last = s.at;
    }
    out.push([last, stoppedAt]);
    return out;
  };
  const base = gaps(baseline);
  let best = { excessMs: 0, gapMs: 0, endAt: startedAt };
  for (const [a, b] of gaps(service)) {
    let overlap = 0;
    for (const [c, d] of base) overlap = Math.max(overlap, Math.min(b, d) - Math.max(a, c));
    const excess = b - a - Math.max(0, overlap);
    if (excess > best.excessMs) best = { excessMs: excess, gapMs: b - a, endAt: b };
  }
  return best;
}
