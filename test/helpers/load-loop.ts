import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * A modest, steady load: one or more clients, each sending sequential GETs with a short per-request
 * timeout, recording every answer, so a test can count failed requests and the longest stretch
 * without a successful answer to any client (a user's traffic is many clients: one slow request is
 * not downtime, every client failing is).
 */
export interface LoadSample {
  at: number;
  ok: boolean;
  /** The body of a 2xx answer, trimmed; else the status or error. */
  body: string;
  /** Which of the concurrent clients (0 when there is one). */
  client?: number;
}

export interface LoadReport {
  requests: number;
  failed: number;
  failures: LoadSample[];
  /** Longest time between two successful answers to any client (or from the start to the first), ms. */
  longestGapMs: number;
  /** The same for each client alone, the worst of them: what one sequential client would have seen. */
  worstClientGapMs: number;
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
  const clients = [...new Set(samples.map((s) => s.client ?? 0))];
  const gaps = clients.map(
    (c) =>
      longestGap(
        samples.filter((s) => (s.client ?? 0) === c),
        startedAt,
        stoppedAt,
      ).ms,
  );
  const { ms, endAt } = longestGap(samples, startedAt, stoppedAt);
  const versions: string[] = [];
  for (const s of samples) if (s.ok && !versions.includes(s.body)) versions.push(s.body);
  const failures = samples.filter((s) => !s.ok);
  return {
    requests: samples.length,
    failed: failures.length,
    failures,
    longestGapMs: ms,
    worstClientGapMs: Math.max(ms, ...gaps),
    longestGapEndAt: endAt,
    versions,
  };
}

/** The longest stretch without a successful answer among `samples` (in time order), and its end. */
function longestGap(
  samples: LoadSample[],
  startedAt: number,
  stoppedAt: number,
): { ms: number; endAt: number } {
  let last = startedAt;
  let longest = 0;
  let endAt = startedAt;
  for (const s of samples) {
    if (!s.ok) continue;
    if (s.at - last > longest) {
      longest = s.at - last;
      endAt = s.at;
    }
    last = s.at;
  }
  if (stoppedAt - last > longest) {
    longest = stoppedAt - last;
    endAt = stoppedAt;
  }
  return { ms: longest, endAt };
}

/**
 * The loop itself, run in its own Node process: a runner deploying in the caller's process (journal
 * fsyncs, git and compose child processes) blocks the caller's event loop for tens of ms at a time,
 * and a loop sharing it would count those stalls as gaps of the service. `clients` loops run side by
 * side, started a fraction of a period apart, each on its own keep-alive connection (one socket per
 * client, as browsers or an upstream proxy hold them). The process measures its own event-loop delay
 * (timers firing late: the loop blocked, or the process not scheduled) and, when asked and allowed,
 * raises its own scheduling priority. One JSON line per answer.
 */
const LOOP_SOURCE = `
const http = require("node:http");
const os = require("node:os");
const { monitorEventLoopDelay } = require("node:perf_hooks");
const [url, timeoutMs, pauseMs, clients, nice] = [process.argv[1], ...process.argv.slice(2).map(Number)];
let niceness = os.getPriority();
let niceError = null;
if (nice !== 0) {
  try { os.setPriority(nice); niceness = os.getPriority(); } catch (error) { niceError = error.code || String(error); }
}
let running = true;
process.stdin.on("data", () => { running = false; });
process.stdin.on("end", () => { running = false; });
const out = (o) => process.stdout.write(JSON.stringify(o) + "\\n");
const get = (agent) => new Promise((resolve, reject) => {
  const request = http.get(url, { agent, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
    let text = "";
    response.setEncoding("utf8");
    response.on("data", (chunk) => { text += chunk; });
    response.on("end", () => resolve({ status: response.statusCode, text }));
    response.on("error", reject);
  });
  request.on("error", reject);
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const client = async (index, agent) => {
  while (running) {
    let sample;
    try {
      const { status, text } = await get(agent);
      const ok = status >= 200 && status < 300;
      sample = { at: Date.now(), ok, body: ok ? text.trim() : "HTTP " + status, client: index };
    } catch (error) {
      sample = { at: Date.now(), ok: false, body: (error && (error.code || (error.cause && error.cause.code) || error.name)) || String(error), client: index };
    }
    out(sample);
    if (pauseMs > 0) await sleep(pauseMs);
  }
};
(async () => {
  const agents = Array.from({ length: clients }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  // A first request per client that is not counted: the client's cold start (connection, parsing) is not a gap.
  await Promise.all(agents.map((agent) => get(agent).catch(() => {})));
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  out({ started: Date.now(), niceness, niceError });
  // Staggered: the clients' requests are spread over one request period, not sent in lockstep.
  const period = Math.max(pauseMs, 1) + 2;
  await Promise.all(agents.map(async (agent, i) => { await sleep((i * period) / clients); await client(i, agent); }));
  delay.disable();
  const ms = (ns) => Math.round(ns / 1e5) / 10;
  out({ stopped: Date.now(), loopDelay: { maxMs: ms(delay.max), p99Ms: ms(delay.percentile(99)), meanMs: ms(delay.mean) } });
  for (const agent of agents) agent.destroy();
  process.stdin.destroy();
})();
`;

export interface LoadOptions {
  /** Per-request timeout (ms, default 2000). */
  timeoutMs?: number;
  /** Pause of each client between its requests (ms, default 10). */
  pauseMs?: number;
  /** Concurrent clients, each sequential on its own connection (default 1). */
  clients?: number;
  /** Niceness the load process asks for (negative = higher priority; needs root), 0 = unchanged. */
  nice?: number;
}

/** What the load process said about itself. */
export interface LoadProcessInfo {
  /** Its niceness while it ran, and why it could not get the one asked for. */
  niceness: number | null;
  niceError: string | null;
  /** Its event-loop delay (timers late by this much): a stalled client, not a gap of the service. */
  loopDelay: { maxMs: number; p99Ms: number; meanMs: number } | null;
}

/**
 * Starts GETting `url` back to back (with `pauseMs` between requests, from `clients` concurrent
 * clients) in a child Node process until stop(). `ready` resolves after a first, uncounted request
 * per client (warmed up): await it before what is measured.
 */
export function startLoad(
  url: string,
  options: LoadOptions = {},
): LoadLoop & { ready: Promise<void>; info(): LoadProcessInfo } {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const pauseMs = options.pauseMs ?? 10;
  const clients = Math.max(1, Math.floor(options.clients ?? 1));
  const samples: LoadSample[] = [];
  let startedAt = Date.now();
  let stoppedAt: number | null = null;
  const info: LoadProcessInfo = { niceness: null, niceError: null, loopDelay: null };
  const child = spawn(
    process.execPath,
    ["-e", LOOP_SOURCE, url, String(timeoutMs), String(pauseMs), String(clients), String(options.nice ?? 0)],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    const parsed = JSON.parse(line) as
      | LoadSample
      | { started: number; niceness: number; niceError: string | null }
      | { stopped: number; loopDelay: LoadProcessInfo["loopDelay"] };
    if ("started" in parsed) {
      startedAt = parsed.started;
      info.niceness = parsed.niceness;
      info.niceError = parsed.niceError;
      markReady();
    } else if ("stopped" in parsed) {
      stoppedAt = parsed.stopped;
      info.loopDelay = parsed.loopDelay;
    } else samples.push(parsed);
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    ready,
    samples: () => samples,
    info: () => info,
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
