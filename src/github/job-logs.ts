import { Readable } from "node:stream";
import type { TailRead, TailReadable } from "../diagnose/tail-source.js";
import type { AppClient } from "./app-client.js";

/** A job's log: iterate it for the whole log, or ask for its last bytes only (`readTail`). */
export type JobLog = AsyncIterable<Buffer> & TailReadable;

/**
 * Streams the log of one Actions job. GitHub answers 302 with a short-lived blob URL; we follow it
 * ourselves (without the installation token: the URL is pre-signed) and hand the body on as a stream,
 * so a log of hundreds of MB is never held in memory. The diagnosis reads only the end of the log
 * (`readTail`): the blob is fetched with a suffix `Range` of `max_log_bytes` + 1 bytes (the extra byte
 * says whether the window starts on a line); a store that ignores the range has the head of its body
 * skipped unread (by its Content-Length) instead.
 */
export async function streamJobLog(client: AppClient, jobId: number): Promise<JobLog> {
  const { octokit, owner, repo, log } = client;
  const response = await octokit.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
    owner,
    repo,
    job_id: jobId,
    request: { redirect: "manual", parseSuccessResponseBody: false },
  });
  const status = response.status as number;
  if (status >= 300 && status < 400) {
    const location = response.headers.location;
    if (!location) throw new Error(`job ${jobId} logs: GitHub answered ${status} without a Location header`);
    log.debug({ jobId, host: new URL(location).host }, "following the job log redirect");
    return blobLog(jobId, location);
  }
  // Some servers (GHES, proxies) answer 200 with the log itself: read it from the start.
  const body = response.data as unknown;
  const stream =
    body && typeof body === "object" && Symbol.asyncIterator in body
      ? Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>)
      : Readable.from([Buffer.from(typeof body === "string" ? body : "")]);
  return {
    [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>,
    readTail: async () => ({ chunks: stream, skipBytes: 0, startsMidLine: false }),
  };
}

function blobLog(jobId: number, location: string): JobLog {
  return {
    async *[Symbol.asyncIterator]() {
      yield* await fetchBody(jobId, location, {});
    },
    async readTail(maxBytes: number): Promise<TailRead> {
      const blob = await fetch(location, { headers: { range: `bytes=-${maxBytes + 1}` } });
      if (blob.status === 416) return { chunks: emptyLog(), skipBytes: 0, startsMidLine: false }; // an empty log
      if (!blob.ok || !blob.body) throw new Error(`job ${jobId} logs: the log store answered ${blob.status}`);
      const body = Readable.fromWeb(blob.body as import("node:stream/web").ReadableStream<Uint8Array>);
      if (blob.status === 206) {
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(blob.headers.get("content-range") ?? "");
        if (!range)
          throw new Error(
            `job ${jobId} logs: the log store answered 206 without a usable Content-Range (${blob.headers.get("content-range") ?? "none"})`,
          );
        const start = Number(range[1]);
        const total = range[3] === "*" ? undefined : Number(range[3]);
        if (start === 0) return { chunks: body, skipBytes: 0, startsMidLine: false, totalBytes: total };
        return windowAfter(body, 0, start, total);
      }
      // The range was ignored (200): skip the head by the body's length, reading nothing twice.
      const length = Number(blob.headers.get("content-length") ?? NaN);
      if (!Number.isSafeInteger(length) || length <= maxBytes)
        return { chunks: body, skipBytes: 0, startsMidLine: false };
      return windowAfter(body, length - maxBytes - 1, length - maxBytes - 1, length);
    },
  };
}

async function fetchBody(jobId: number, location: string, headers: Record<string, string>) {
  const blob = await fetch(location, { headers });
  if (!blob.ok || !blob.body) throw new Error(`job ${jobId} logs: the log store answered ${blob.status}`);
  return Readable.fromWeb(blob.body as import("node:stream/web").ReadableStream<Uint8Array>);
}

/**
 * `body` holds the log from byte `offset`: drops `skip` bytes, reads the byte just before the window
 * (a newline means the window starts on a line) and hands on the rest.
 */
async function windowAfter(
  body: Readable,
  skip: number,
  offset: number,
  total: number | undefined,
): Promise<TailRead> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let toSkip = skip;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { chunks: emptyLog(), skipBytes: offset, startsMidLine: false, totalBytes: total };
    let chunk = Buffer.from(next.value);
    if (toSkip >= chunk.length) {
      toSkip -= chunk.length;
      continue;
    }
    chunk = chunk.subarray(toSkip);
    const before = chunk[0];
    const first = chunk.subarray(1);
    async function* rest(): AsyncIterable<Buffer> {
      if (first.length > 0) yield first;
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) yield step.value;
    }
    return { chunks: rest(), skipBytes: offset + 1, startsMidLine: before !== 0x0a, totalBytes: total };
  }
}

async function* emptyLog(): AsyncIterable<Buffer> {}
