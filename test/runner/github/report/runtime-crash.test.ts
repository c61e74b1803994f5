import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployResult, ProbeSummary } from "../../../../runner/journal/events.js";
import {
  decideDispatch,
  runtimeCrash,
  runtimeFailurePayload,
} from "../../../../runner/github/report/runtime-crash.js";
import {
  MAX_CLIENT_PAYLOAD_BYTES,
  runtimeFailurePayloadSchema,
} from "../../../../contract/runtime-failure.js";
import { container, verified } from "../verified.js";

// A health endpoint that always answers 500, for failures where only HTTP health is wrong.
let server: Server;
let unhealthyUrl: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(500).end("down"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  unhealthyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function result(verify: ProbeSummary | null, over: Partial<DeployResult> = {}): DeployResult {
  return {
    runId: "r1",
    service: "web",
    ref: "a".repeat(40),
    targetSha: "a".repeat(40),
    previousSha: "b".repeat(40),
    status: "rolled_back",
    reason: "verification failed",
    steps: [],
    rollbackPoint: null,
    verify,
    rollbackVerify: null,
    workspaceSha: "b".repeat(40),
    artifactsDir: "/tmp/x",
    startedAt: "2025-01-01T00:00:00Z",
    finishedAt: "2025-01-01T00:00:10Z",
    durationMs: 10_000,
    reconciled: false,
    meta: {},
    ...over,
  };
}

const LOGS = "Traceback (most recent call last):\nModuleNotFoundError: No module named 'yaml'";

it("builds a payload the app's schema accepts", () => {
  expect(runtimeFailurePayloadSchema.parse(runtimeFailurePayload("web", LOGS))).toEqual({
    service: "web",
    log: LOGS,
  });
  expect(runtimeFailurePayloadSchema.safeParse(runtimeFailurePayload("Web!", LOGS)).success).toBe(false);
});

describe("runtimeCrash, over what the real verifier reports", () => {
  const crashes: Array<[name: string, script: () => Parameters<typeof verified>[0], kind: string]> = [
    [
      "exits at once without a restart policy",
      () => ({
        find: [container({ status: "exited", running: false, exitCode: 1, restartPolicy: "no" })],
      }),
      "exited",
    ],
    [
      "keeps restarting until the start timeout",
      () => ({ find: [container({ status: "restarting", restarting: true, restartCount: 3 })] }),
      "crash-loop",
    ],
    [
      "restarts during the watch window",
      () => ({ find: [container()], inspect: [container({ restartCount: 2, exitCode: 1 })] }),
      "crash-loop",
    ],
    [
      "stops during the watch window",
      () => ({
        find: [container()],
        inspect: [container({ status: "exited", running: false, exitCode: 137 })],
      }),
      "exited",
    ],
    [
      "restarts between probes while HTTP health never answers",
      () => ({
        healthUrl: unhealthyUrl,
        find: [
          container({ restartCount: 0 }),
          container({ restartCount: 1 }),
          container({ restartCount: 2 }),
        ],
      }),
      "crash-loop",
    ],
  ];
  it.each(crashes)("a container that %s is a runtime crash", async (_name, script, kind) => {
    const verify = await verified({ ...script(), logs: LOGS });
    expect(verify.ok).toBe(false);
    expect(runtimeCrash(result(verify))).toMatchObject({ kind });
  });

  const notCrashes: Array<[name: string, script: () => Parameters<typeof verified>[0]]> = [
    [
      "stays up but Docker health is unhealthy",
      () => ({ find: [container({ health: "unhealthy", healthOutput: "curl: (7) refused" })] }),
    ],
    ["stays up but HTTP health answers 500", () => ({ healthUrl: unhealthyUrl, find: [container()] })],
    [
      "stays up but its Docker health never leaves starting",
      () => ({ find: [container({ health: "starting" })] }),
    ],
    [
      "turns unhealthy during the watch window",
      () => ({ find: [container()], inspect: [container({ health: "unhealthy" })] }),
    ],
    [
      "is replaced during the watch window",
      () => ({ find: [container()], inspect: [container({ id: "c2" })] }),
    ],
    ["never existed after up", () => ({ find: [null] })],
  ];
  it.each(notCrashes)("a container that %s is not", async (_name, script) => {
    const verify = await verified({ ...script(), logs: LOGS });
    expect(verify.ok).toBe(false);
    expect(runtimeCrash(result(verify))).toBeNull();
  });

  it("a passed verification, a build failure and a refusal are not", async () => {
    const passed = await verified({ find: [container()] });
    expect(passed.ok).toBe(true);
    expect(runtimeCrash(result(passed, { status: "success" }))).toBeNull();
    expect(runtimeCrash(result(null, { status: "failed", reason: "build failed" }))).toBeNull();
    const crashed = await verified({
      find: [container({ status: "exited", running: false, restartPolicy: "" })],
    });
    expect(runtimeCrash(result(crashed, { status: "refused" }))).toBeNull();
    // The same crash on a first deploy (no rollback, container stopped) still counts.
    expect(runtimeCrash(result(crashed, { status: "failed" }))).toMatchObject({ kind: "exited" });
  });
});

describe("runtimeFailurePayload", () => {
  const token = `ghs_${"A1b2C3d4".repeat(5)}`;

  it("redacts the tail and keeps a small one whole", () => {
    const payload = runtimeFailurePayload("web", `boot with ${token}\n${LOGS}\n\n`);
    expect(payload).toEqual({ service: "web", log: `boot with ***\n${LOGS}` });
  });

  it("keeps the newest lines within the byte cap, starting at a whole line, and says it cut", () => {
    const lines = Array.from({ length: 5_000 }, (_, n) => `line ${n} "quoted" \t tab ü ${token}`);
    const payload = runtimeFailurePayload("web", lines.join("\n"));
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    expect(bytes).toBeLessThanOrEqual(MAX_CLIENT_PAYLOAD_BYTES);
    // Not cut absurdly short either: at least 90% of the budget is used.
    expect(bytes).toBeGreaterThan(MAX_CLIENT_PAYLOAD_BYTES * 0.9);
    expect(payload.log).not.toContain("ghs_");
    const [note, first, ...rest] = payload.log.split("\n");
    expect(note).toMatch(/earlier log lines cut/);
    expect(first).toMatch(/^line \d+ "quoted"/);
    expect(rest.at(-1)).toBe(`line 4999 "quoted" \t tab ü ***`);
  });

  it("fits one huge line of characters that grow when escaped", () => {
    const payload = runtimeFailurePayload("web", "\u0001".repeat(100_000) + "end", 10_000);
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(10_000);
    expect(payload.log.endsWith("\u0001end")).toBe(true);
  });

  it("never starts with half of a surrogate pair", () => {
    const payload = runtimeFailurePayload("web", "😀".repeat(10_000), 5_001);
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(5_001);
    const log = payload.log.split("\n")[1]!;
    expect(log.length).toBeGreaterThan(0);
    expect(/^[\udc00-\udfff]/.test(log)).toBe(false);
  });

  it("refuses a cap that cannot hold the note", () => {
    expect(() => runtimeFailurePayload("web", "x".repeat(100), 20)).toThrow(/maxBytes 20 cannot hold/);
  });
});

describe("decideDispatch", () => {
  const crashed = () =>
    verified({
      find: [container({ status: "exited", running: false, exitCode: 1, restartPolicy: "no" })],
      logs: LOGS,
    });

  it("sends the crash with its log when on", async () => {
    const decision = decideDispatch(result(await crashed()), true);
    expect(decision).toMatchObject({
      send: true,
      crash: { kind: "exited" },
      payload: { service: "web", log: LOGS },
    });
  });

  it("says why it does not send", async () => {
    expect(decideDispatch(result(await crashed()), false)).toEqual({
      send: false,
      reason: "RUNNER_DISPATCH_RUNTIME_FAILURES is off",
    });
    const healthOnly = await verified({ find: [container({ health: "unhealthy" })], logs: LOGS });
    expect(decideDispatch(result(healthOnly), true)).toEqual({
      send: false,
      reason: "not a runtime crash of the new version",
    });
    const silent = await verified({
      find: [container({ status: "exited", running: false, restartPolicy: "no" })],
    });
    expect(decideDispatch(result(silent), true)).toMatchObject({ send: false, reason: /no log lines/ });
    const unavailable = await verified({
      find: [container({ status: "exited", running: false, restartPolicy: "no" })],
      logs: new Error("no such container"),
    });
    expect(decideDispatch(result(unavailable), true)).toMatchObject({ send: false, reason: /no log lines/ });
  });
});
