/**
 * The fake GitHub's check runs and deployments (with statuses). Creating a deployment checks its ref
 * and required contexts as GitHub does; listing answers 304 to a matching If-None-Match.
 */
import { createHash } from "node:crypto";
import { notFound, unprocessable } from "./fake-git-data.js";
import type { Router } from "./fake-router.js";
import {
  API,
  REPO_PATH,
  WEB,
  actorOf,
  ok,
  repoRoute,
  type FakeCheckRun,
  type FakeDeployment,
  type FakeDeploymentStatus,
  type FakeState,
} from "./fake-state.js";
import type { GitStore } from "./git-store.js";

export const deploymentJson = (d: FakeDeployment): Record<string, unknown> => ({
  url: `${API}${REPO_PATH}/deployments/${d.id}`,
  id: d.id,
  node_id: `DE_${d.id}`,
  sha: d.sha,
  ref: d.ref,
  task: d.task,
  payload: d.payload,
  original_environment: d.environment,
  environment: d.environment,
  description: d.description,
  creator: d.creator,
  created_at: d.created_at,
  updated_at: d.created_at,
  statuses_url: `${API}${REPO_PATH}/deployments/${d.id}/statuses`,
  repository_url: `${API}${REPO_PATH}`,
  transient_environment: false,
  production_environment: false,
});

export const statusJson = (state: FakeState, s: FakeDeploymentStatus): Record<string, unknown> => ({
  url: `${API}${REPO_PATH}/deployments/${s.deployment}/statuses/${s.id}`,
  id: s.id,
  node_id: `DES_${s.id}`,
  state: s.state,
  creator: s.creator,
  description: s.description,
  environment: state.deployments.find((d) => d.id === s.deployment)?.environment ?? "",
  target_url: s.log_url,
  log_url: s.log_url,
  environment_url: s.environment_url,
  created_at: s.created_at,
  updated_at: s.created_at,
  deployment_url: `${API}${REPO_PATH}/deployments/${s.deployment}`,
  repository_url: `${API}${REPO_PATH}`,
});

export function registerChecksAndDeployments(router: Router, state: FakeState, store: GitStore): void {
  const checkJson = (c: FakeCheckRun) => ({
    id: c.id,
    name: c.name,
    head_sha: c.head_sha,
    status: c.status,
    conclusion: c.conclusion,
    output: c.output,
    details_url: c.details_url,
    external_id: c.external_id ?? null,
    html_url: `${WEB}/runs/${c.id}`,
    app: { slug: "orchestrator" },
  });
  const applyCheck = (c: FakeCheckRun, body: Record<string, unknown>) => {
    if (typeof body.status === "string") c.status = body.status;
    if (typeof body.conclusion === "string") {
      c.conclusion = body.conclusion;
      c.status = "completed";
    }
    if (c.status !== "completed") c.conclusion = null;
    if (body.output) c.output = body.output as FakeCheckRun["output"];
    if (Array.isArray(body.actions)) c.actions = body.actions as FakeCheckRun["actions"];
    if (typeof body.details_url === "string") c.details_url = body.details_url;
    if (typeof body.external_id === "string") c.external_id = body.external_id;
  };
  router.on("GET", repoRoute("/commits/([^/]+)/check-runs"), (req) => {
    const name = req.query.get("check_name");
    const list = state.checkRuns
      .filter((c) => c.head_sha === req.params[0] && (!name || c.name === name))
      .sort((a, b) => b.id - a.id);
    // filter=latest: the newest run of each name.
    const latest = list.filter((c, i) => list.findIndex((o) => o.name === c.name) === i);
    const shown = req.query.get("filter") === "all" ? list : latest;
    return ok({ total_count: shown.length, check_runs: shown.map(checkJson) });
  });
  router.on("POST", repoRoute("/check-runs"), (req) => {
    const head = String(req.body.head_sha ?? "");
    if (!store.readCommit(head)) return unprocessable(`No commit found for SHA: ${head}`);
    const check: FakeCheckRun = {
      id: state.nextId(),
      name: String(req.body.name ?? ""),
      head_sha: head,
      status: "queued",
      conclusion: null,
      output: {},
      actions: [],
      details_url: null,
    };
    applyCheck(check, req.body);
    state.checkRuns.push(check);
    return ok(checkJson(check), 201);
  });
  router.on("PATCH", repoRoute("/check-runs/(\\d+)"), (req) => {
    const check = state.checkRuns.find((c) => c.id === Number(req.params[0]));
    if (!check) return notFound();
    applyCheck(check, req.body);
    return ok(checkJson(check));
  });

  router.on("GET", repoRoute("/deployments"), (req) => {
    const q = req.query;
    const list = state.deployments
      .filter(
        (d) =>
          (!q.get("environment") || d.environment === q.get("environment")) &&
          (!q.get("task") || d.task === q.get("task")),
      )
      .filter((d) => (!q.get("sha") || d.sha === q.get("sha")) && (!q.get("ref") || d.ref === q.get("ref")))
      .sort((a, b) => b.id - a.id)
      .slice(0, Number(q.get("per_page") ?? 30))
      .map(deploymentJson);
    // Conditional requests, as the runner's poller makes them: an unchanged list answers 304.
    const etag = `"${createHash("sha1").update(JSON.stringify(list)).digest("hex")}"`;
    if (req.headers["if-none-match"] === etag) return { status: 304, headers: { etag } };
    return { status: 200, body: list, headers: { etag } };
  });
  router.on("POST", repoRoute("/deployments"), (req) => {
    const ref = String(req.body.ref ?? "");
    const sha = store.readCommit(ref) ? ref : store.readRef(`heads/${ref}`);
    if (!sha) return { status: 422, body: { message: `No ref found for: ${ref}` } };
    // Required contexts must have succeeded on the commit (checks only: the fake has no commit state.statuses).
    const required = (req.body.required_contexts ?? []) as string[];
    const missing = required.filter(
      (name) =>
        !state.checkRuns.some((c) => c.head_sha === sha && c.name === name && c.conclusion === "success"),
    );
    if (missing.length > 0)
      return {
        status: 409,
        body: {
          message: `Conflict: Commit status checks failed for ${ref}.`,
          errors: [{ contexts: missing.map((context) => ({ context, state: "pending" })) }],
        },
      };
    const deployment: FakeDeployment = {
      id: state.nextId(),
      sha,
      ref,
      task: String(req.body.task ?? "deploy"),
      environment: String(req.body.environment ?? "production"),
      payload: req.body.payload ?? {},
      description: typeof req.body.description === "string" ? req.body.description : null,
      created_at: state.now(),
      creator: actorOf(state, req.headers),
    };
    state.deployments.push(deployment);
    return ok(deploymentJson(deployment), 201);
  });
  router.on("GET", repoRoute("/deployments/(\\d+)/statuses"), (req) => {
    const deployment = Number(req.params[0]);
    if (!state.deployments.some((d) => d.id === deployment)) return notFound();
    const list = state.statuses.filter((s) => s.deployment === deployment).reverse();
    return ok(list.slice(0, Number(req.query.get("per_page") ?? 30)).map((s) => statusJson(state, s)));
  });
  router.on("POST", repoRoute("/deployments/(\\d+)/statuses"), (req) => {
    const deployment = Number(req.params[0]);
    if (!state.deployments.some((d) => d.id === deployment)) return notFound();
    const status: FakeDeploymentStatus = {
      id: state.nextId(),
      deployment,
      state: String(req.body.state ?? ""),
      description: String(req.body.description ?? ""),
      environment_url: String(req.body.environment_url ?? ""),
      log_url: String(req.body.log_url ?? ""),
      created_at: state.now(),
      creator: actorOf(state, req.headers),
    };
    state.statuses.push(status);
    return ok(statusJson(state, status), 201);
  });
}
