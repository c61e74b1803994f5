import { Octokit } from "@octokit/rest";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { diagnoseLog } from "../../src/diagnose/diagnose.js";
import { streamJobLog } from "../../src/github/job-logs.js";
import type { AppClient } from "../../src/github/app-client.js";
import { useGitHubHarness } from "../helpers/github.js";
import { R } from "../helpers/app-world.js";
import { BLOB_HOST } from "../helpers/fix-world.js";
import { TEST_OWNER, TEST_REPO } from "../helpers/webhook-examples.js";
import { testTrust } from "../helpers/signing.js";

function client(): AppClient {
  return {
    octokit: new Octokit({ request: { retries: 0 } }) as unknown as AppClient["octokit"],
    owner: TEST_OWNER,
    repo: TEST_REPO,
    defaultBranch: "main",
    log: pino({ level: "silent" }) as unknown as AppClient["log"],
    trust: testTrust(),
  };
}

const NOISE = "Collecting requests==2.31.0 (from -r requirements.txt (line 3))\n".repeat(400);
// A fixable error at the head that must not be read: only the end of a log above the cap counts.
const LOG = `Error: Cannot find module 'axios'\n${NOISE}ModuleNotFoundError: No module named 'yaml'\n`;
const MAX = 4096;

describe("streamJobLog: the diagnosis fetches only the end of a job's log", () => {
  const gh = useGitHubHarness();

  const redirect = (jobId: number): void => {
    gh.github
      .get(`${R}/actions/jobs/${jobId}/logs`)
      .reply(302, "", { location: `${BLOB_HOST}/logs/${jobId}.txt?sig=s` });
  };

  it("asks the log store for the last max_log_bytes (+1) with a suffix Range and says what it skipped", async () => {
    redirect(7);
    const size = Buffer.byteLength(LOG);
    const start = size - (MAX + 1);
    gh.scope(BLOB_HOST)
      .get("/logs/7.txt")
      .query({ sig: "s" })
      .matchHeader("range", `bytes=-${MAX + 1}`)
      .reply(206, Buffer.from(LOG).subarray(start), {
        "content-range": `bytes ${start}-${size - 1}/${size}`,
      });
    const diagnosis = await diagnoseLog(await streamJobLog(client(), 7), { maxBytes: MAX });
    expect(diagnosis.finding?.package).toBe("PyYAML");
    expect(diagnosis.truncated).toBe(true);
    // The byte before the window is read only to know where the first whole line starts.
    expect(diagnosis.bytesRead).toBe(MAX);
    expect(diagnosis.reason).toMatch(
      /above the size cap: read only its last 4 KiB; the first .* were skipped/,
    );
  });

  it("skips the head of a body the store sent whole (Range ignored), by its length", async () => {
    redirect(8);
    gh.scope(BLOB_HOST)
      .get("/logs/8.txt")
      .query({ sig: "s" })
      .reply(200, LOG, { "content-length": String(Buffer.byteLength(LOG)) });
    const diagnosis = await diagnoseLog(await streamJobLog(client(), 8), { maxBytes: MAX });
    expect(diagnosis.finding?.package).toBe("PyYAML");
    expect(diagnosis.truncated).toBe(true);
    expect(diagnosis.bytesRead).toBe(MAX);
  });

  it("reads a log under the cap whole, and an empty one as empty", async () => {
    redirect(9);
    const small = "Error: Cannot find module 'axios'\n";
    gh.scope(BLOB_HOST)
      .get("/logs/9.txt")
      .query({ sig: "s" })
      .reply(206, small, { "content-range": `bytes 0-${small.length - 1}/${small.length}` });
    const diagnosis = await diagnoseLog(await streamJobLog(client(), 9), { maxBytes: MAX });
    expect(diagnosis).toMatchObject({ truncated: false, bytesRead: small.length });
    expect(diagnosis.finding?.package).toBe("axios");

    redirect(10);
    gh.scope(BLOB_HOST).get("/logs/10.txt").query({ sig: "s" }).reply(416, "");
    const empty = await diagnoseLog(await streamJobLog(client(), 10), { maxBytes: MAX });
    expect(empty).toMatchObject({ finding: null, bytesRead: 0, truncated: false });
  });

  it("names the job when the store fails, and still streams the whole log to other readers", async () => {
    redirect(11);
    gh.scope(BLOB_HOST).get("/logs/11.txt").query({ sig: "s" }).reply(500, "boom");
    await expect(diagnoseLog(await streamJobLog(client(), 11), { maxBytes: MAX })).rejects.toThrow(
      /job 11 logs: the log store answered 500/,
    );

    redirect(12);
    gh.scope(BLOB_HOST).get("/logs/12.txt").query({ sig: "s" }).reply(200, LOG);
    const chunks: Buffer[] = [];
    for await (const chunk of await streamJobLog(client(), 12)) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString()).toBe(LOG);
  });
});
