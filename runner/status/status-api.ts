import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { redact } from "../../src/redact/redactor.js";
import { artifactPath, isArtifactName, ARTIFACT_NAMES } from "../artifacts/artifacts.js";
import { allRuns } from "../journal/history.js";
import { listRunIds, readEvents, runDir } from "../journal/journal-file.js";
import { viewRun, type RunView } from "../journal/run-view.js";
import { errorMessage } from "../../github/errors.js";

/** What the poll loop keeps up to date for `/health`. */
export interface RunnerHealth {
  startedAt: string;
  lastPassAt: string | null;
  /** Consecutive failed passes (GitHub unreachable, ...); 0 when the last pass went through. */
  failures: number;
  lastError: string | null;
}

export interface StatusResponse {
  status: number;
  type: "application/json" | "text/plain";
  body: string;
}

const RUN_ID = /^[A-Za-z0-9._-]+$/;

/**
 * The loopback status API as a pure router over the state dir: `/health`, `/runs`, `/runs/:id`,
 * `/runs/:id/artifacts/:name`. Everything it returns goes through the redactor.
 */
export function routeStatus(
  method: string,
  url: string,
  stateDir: string,
  health: RunnerHealth,
): StatusResponse {
  if (method !== "GET") return jsonResponse(405, { error: `only GET is served, got ${method}` });
  const path = new URL(url, "http://127.0.0.1").pathname.replace(/\/+$/, "") || "/";
  if (path === "/health")
    return jsonResponse(health.failures === 0 ? 200 : 503, { ok: health.failures === 0, ...health });
  if (path === "/runs") return jsonResponse(200, allRuns(stateDir).reverse().map(runSummary));
  const parts = path.split("/").slice(1);
  if (parts[0] === "runs" && parts[1] && RUN_ID.test(parts[1])) {
    const runId = parts[1];
    if (!listRunIds(stateDir).includes(runId)) return jsonResponse(404, { error: `no run ${runId}` });
    if (parts.length === 2) return jsonResponse(200, viewRun(runId, readEvents(runDir(stateDir, runId))));
    if (parts.length === 4 && parts[2] === "artifacts" && parts[3]) {
      const name = parts[3];
      if (!isArtifactName(name))
        return jsonResponse(404, { error: `no artifact ${name}; artifacts: ${ARTIFACT_NAMES.join(", ")}` });
      const file = artifactPath(runDir(stateDir, runId), name);
      if (!existsSync(file)) return jsonResponse(404, { error: `run ${runId} has no ${name} yet` });
      return {
        status: 200,
        type: name.endsWith(".json") ? "application/json" : "text/plain",
        body: redact(readFileSync(file, "utf8")),
      };
    }
  }
  return jsonResponse(404, {
    error: `unknown path ${path}; try /health, /runs, /runs/:id, /runs/:id/artifacts/:name`,
  });
}

function runSummary(run: RunView) {
  return {
    runId: run.runId,
    service: run.start?.service ?? null,
    status: run.status,
    state: run.state,
    targetSha: run.targetSha,
    startedAt: run.start?.at ?? null,
    finishedAt: run.result?.finishedAt ?? null,
    meta: run.start?.meta ?? {},
  };
}

function jsonResponse(status: number, value: unknown): StatusResponse {
  return { status, type: "application/json", body: redact(`${JSON.stringify(value, null, 2)}\n`) };
}

/** Serves routeStatus on 127.0.0.1 only: the runner host keeps no port open to the outside. */
export async function startStatusServer(
  port: number,
  stateDir: string,
  health: RunnerHealth,
): Promise<Server> {
  const server = createServer((req, res) => {
    let response: StatusResponse;
    try {
      response = routeStatus(req.method ?? "GET", req.url ?? "/", stateDir, health);
    } catch (error) {
      response = jsonResponse(500, { error: errorMessage(error) });
    }
    res.writeHead(response.status, { "content-type": `${response.type}; charset=utf-8` });
    res.end(response.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return server;
}
