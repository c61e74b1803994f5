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

/** Starts GETting `url` back to back (with `pauseMs` between requests) until stop(). */
export function startLoad(url: string, options: { timeoutMs?: number; pauseMs?: number } = {}): LoadLoop {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const pauseMs = options.pauseMs ?? 10;
  const samples: LoadSample[] = [];
  let running = true;
  const startedAt = Date.now();
  const loop = (async () => {
    while (running) {
      let sample: LoadSample;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        const text = (await response.text()).trim();
        sample = { at: Date.now(), ok: response.ok, body: response.ok ? text : `HTTP ${response.status}` };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        sample = { at: Date.now(), ok: false, body: cause ?? (error as Error).name };
      }
      samples.push(sample);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  return {
    samples: () => samples,
    async stop() {
      running = false;
      await loop;
      return summarize(samples, startedAt, Date.now());
    },
  };
}
