/**
 * Docker's events stream for one service's containers, so the verifier wakes up when something
 * happens (health turned healthy or unhealthy, the container died, restarted, started) instead of
 * polling on a timer and noticing late.
 */

/** The container actions the verifier cares about (`health_status: healthy` matches `health_status`). */
export const WATCHED_ACTIONS = ["health_status", "die", "restart", "start", "stop", "kill", "oom", "destroy"];

export interface ContainerEvent {
  /** Docker's action word, e.g. `die`, `start`, `health_status: healthy`. */
  action: string;
  containerId: string;
  /** When the engine saw it (ms since the epoch). */
  at: number;
}

export interface EventWatch {
  /**
   * The events that arrived since the last call: at once when some are queued, else as soon as one
   * arrives, else `[]` after `ms`. The wait holds a referenced timer, so the process stays alive.
   */
  next(ms: number): Promise<ContainerEvent[]>;
  /** False when the stream could not be opened or has ended: `next` is then a plain bounded sleep. */
  readonly live: boolean;
  /** Why the stream is not live (empty while it is). */
  readonly why: string;
  close(): void;
}

/** Splits newline-delimited JSON events; returns the complete events and the unfinished rest. */
export function parseEventLines(text: string): { events: ContainerEvent[]; rest: string } {
  const lines = text.split("\n");
  const rest = lines.pop() ?? "";
  const events: ContainerEvent[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    let raw: {
      Action?: unknown;
      status?: unknown;
      id?: unknown;
      Actor?: { ID?: unknown };
      timeNano?: unknown;
    };
    try {
      raw = JSON.parse(line) as typeof raw;
    } catch {
      continue; // Not an event; the timers still bound every wait.
    }
    const action =
      typeof raw.Action === "string" ? raw.Action : typeof raw.status === "string" ? raw.status : "";
    if (!action) continue;
    const id = typeof raw.Actor?.ID === "string" ? raw.Actor.ID : typeof raw.id === "string" ? raw.id : "";
    const at = typeof raw.timeNano === "number" ? Math.floor(raw.timeNano / 1e6) : Date.now();
    events.push({ action, containerId: id, at });
  }
  return { events, rest };
}

/** A watch with no stream behind it: `next` only sleeps (the verifier then polls on its backoff). */
export function idleWatch(why: string): EventWatch {
  return {
    live: false,
    why,
    next: (ms) => new Promise((resolve) => setTimeout(() => resolve([]), Math.max(0, ms))),
    close() {},
  };
}

/** Wraps an open events stream (the HTTP body of `GET /events`). */
export function streamWatch(stream: NodeJS.ReadableStream & { destroy?: () => void }): EventWatch {
  let queued: ContainerEvent[] = [];
  let pending = "";
  let waiter: (() => void) | null = null;
  let ended = "";
  const wakeUp = () => {
    const wake = waiter;
    waiter = null;
    wake?.();
  };
  stream.setEncoding?.("utf8");
  stream.on("data", (chunk: string | Buffer) => {
    const parsed = parseEventLines(pending + chunk.toString());
    pending = parsed.rest.slice(-64 * 1024);
    if (parsed.events.length === 0) return;
    queued.push(...parsed.events);
    wakeUp();
  });
  const stop = (why: string) => {
    if (!ended) ended = why;
    wakeUp();
  };
  stream.on("error", (error: Error) => stop(`events stream failed: ${error.message}`));
  stream.on("end", () => stop("events stream ended"));
  stream.on("close", () => stop("events stream closed"));

  return {
    get live() {
      return !ended;
    },
    get why() {
      return ended;
    },
    next(ms) {
      if (queued.length > 0 || ms <= 0) {
        const out = queued;
        queued = [];
        return Promise.resolve(out);
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiter = null;
          resolve([]);
        }, ms);
        waiter = () => {
          clearTimeout(timer);
          const out = queued;
          queued = [];
          resolve(out);
        };
        // A stream that already ended only sleeps; one that ends now wakes the waiter early above,
        // which then returns [] and lets the caller probe (it falls back to its timers).
        if (ended) waiter = null;
      });
    },
    close() {
      stop("closed");
      stream.removeAllListeners("data");
      stream.on("error", () => {}); // a destroy may still report an error; nobody listens for it now
      stream.destroy?.();
    },
  };
}
