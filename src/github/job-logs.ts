import { Readable } from "node:stream";
import type { RepoClient } from "./types.js";

/**
 * Streams the log of one Actions job. GitHub answers 302 with a short-lived blob URL; we follow it
 * ourselves (without the installation token: the URL is pre-signed) and hand the body on as a stream,
 * so a log of hundreds of MB is never held in memory.
 */
export async function streamJobLog(client: RepoClient, jobId: number): Promise<AsyncIterable<Buffer>> {
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
    const blob = await fetch(location);
    if (!blob.ok || !blob.body) throw new Error(`job ${jobId} logs: the log store answered ${blob.status}`);
    return Readable.fromWeb(blob.body as import("node:stream/web").ReadableStream<Uint8Array>);
  }
  // Some servers (GHES, proxies) answer 200 with the log itself.
  const body = response.data as unknown;
  if (body && typeof body === "object" && Symbol.asyncIterator in body) {
    return Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  }
  return Readable.from([Buffer.from(typeof body === "string" ? body : "")]);
}
