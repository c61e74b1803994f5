/**
 * An in-memory GitHub for the whole-loop tests: the few resources the app and the runner touch (pull
 * requests, reviews, issue comments, check runs, deployments and their statuses, workflow runs and job
 * logs, installation tokens), with the Git Data API backed by a real bare repository (git-store.ts).
 * Served through persisted nock interceptors on the harness's validated scope, so every request is
 * still checked against GitHub's OpenAPI description, and state flows between stages for real: what
 * the app writes is what the runner later reads, and the other way round.
 */
import { randomUUID } from "node:crypto";
import { TEST_APP_ID, TEST_APP_SLUG, type GitHubHarness } from "../helpers/github.js";
import { TEST_INSTALLATION_ID, TEST_OWNER } from "../helpers/webhook-examples.js";
import { deploymentJson, registerChecksAndDeployments, statusJson } from "./fake-deployments.js";
import { registerCommandRoutes } from "./fake-commands.js";
import { registerDispatches, type FakeDispatch } from "./fake-dispatches.js";
import { notFound, registerGitData } from "./fake-git-data.js";
import { headSha, pullJson, registerPulls } from "./fake-pulls.js";
import {
  createRouter,
  installRouter,
  type FakeRequest,
  type FakeResponse,
  type Router,
} from "./fake-router.js";
import {
  REPO_PATH,
  WEB,
  createFakeState,
  ok,
  repoRoute,
  type FakeCheckRun,
  type FakeComment,
  type FakeDeployment,
  type FakeDeploymentStatus,
  type FakePull,
  type FakeReview,
  type FakeRun,
  type FakeState,
} from "./fake-state.js";
import type { GitStore, TreeEdit } from "./git-store.js";

export type { FakeDeployment, FakeDeploymentStatus, FakePull, FakeReview, FakeRun } from "./fake-state.js";

/** Where the job logs' pre-signed URLs point (GitHub answers the log request with a 302 there). */
export const BLOB_HOST = "https://results-receiver.actions.example.test";

export interface FakeGitHub {
  readonly store: GitStore;
  readonly pulls: readonly FakePull[];
  readonly reviews: readonly FakeReview[];
  readonly comments: readonly FakeComment[];
  readonly checkRuns: readonly FakeCheckRun[];
  readonly deployments: readonly FakeDeployment[];
  /** Oldest first, across deployments. */
  readonly statuses: readonly FakeDeploymentStatus[];
  /** repository_dispatch events received, oldest first. */
  readonly dispatches: readonly FakeDispatch[];
  /** Every installation token minted, for "never leaks" assertions. */
  readonly tokens: readonly string[];
  /** Requests no route answered, and requests without valid credentials. */
  readonly problems: string[];
  addRun(run: FakeRun): void;
  /**
   * A personal access token of `login`, a collaborator with write access: requests made with it act
   * as that person (deployments and statuses they create carry them as creator).
   */
  userToken(login: string): string;
  /** Opens an issue (not a pull request); returns its number. */
  openIssue(): number;
  /** Gives a login a repository role (the permission commands are checked against). */
  grant(login: string, role: "read" | "triage" | "write" | "maintain" | "admin"): void;
  /** A reviewer submits a review of the PR's current head. */
  review(pull: number, user: string, state: FakeReview["state"]): FakeReview;
  /** Someone pushes a commit straight to the default branch (`null` deletes a file); returns its SHA. */
  push(edits: Record<string, string | null>, message: string, author: string): string;
  /** "Create a merge commit": merges the PR's head into its base, closes the PR; returns the merge SHA. */
  merge(pull: number, by: string): string;
  pull(number: number): FakePull;
  /** The REST (and webhook) JSON of a PR, a deployment, a deployment status. */
  pullJson(pull: FakePull): Record<string, unknown>;
  deploymentJson(deployment: FakeDeployment): Record<string, unknown>;
  statusJson(status: FakeDeploymentStatus): Record<string, unknown>;
}

/** How the fake is reached: the default serves api.github.com through nock (the in-process tests). */
export interface FakeOptions {
  defaultBranch?: string;
  /** Where the job logs' pre-signed URLs point. */
  blobOrigin?: string;
  /** Checks an App JWT (signature, claims, clock); returns why it is refused, or null. */
  verifyAppJwt?: (jwt: string, state: FakeState) => string | null;
}

/** The fake and its parts, for the transports that serve it (nock here, HTTP in fake-github-server.ts). */
export interface FakeCore {
  fake: FakeGitHub;
  state: FakeState;
  /** The REST API, paths without any base path. */
  router: Router;
  /** The blob host of the job logs. */
  logRouter: Router;
}

export function createFakeGitHub(gh: GitHubHarness, store: GitStore, defaultBranch = "main"): FakeGitHub {
  const core = buildFakeGitHub(store, { defaultBranch });
  installRouter(gh.github, core.router);
  installRouter(gh.scope(BLOB_HOST), core.logRouter);
  return core.fake;
}

export function buildFakeGitHub(store: GitStore, options: FakeOptions = {}): FakeCore {
  const defaultBranch = options.defaultBranch ?? "main";
  const blobOrigin = options.blobOrigin ?? BLOB_HOST;
  const state = createFakeState();
  const router = createRouter((req) => authorize(req, state, options.verifyAppJwt));
  const logRouter = createRouter();

  registerInstallation(router, state);
  registerGitData(router, REPO_PATH, store, defaultBranch);
  registerPulls(router, state, store);
  registerChecksAndDeployments(router, state, store);
  registerActions(router, logRouter, state, blobOrigin);
  registerCommandRoutes(router, state);
  const dispatches = registerDispatches(router);

  const fake: FakeGitHub = {
    store,
    pulls: state.pulls,
    reviews: state.reviews,
    comments: state.comments,
    checkRuns: state.checkRuns,
    deployments: state.deployments,
    statuses: state.statuses,
    dispatches,
    tokens: state.tokens,
    get problems() {
      return [...state.problems, ...router.unhandled, ...logRouter.unhandled];
    },
    addRun(run) {
      state.runs.push(run);
    },
    userToken(login) {
      const token = `ghp_${randomUUID().replace(/-/g, "")}USER`;
      state.userTokens.set(token, { login, id: 5_000_000 + state.userTokens.size, type: "User" });
      return token;
    },
    openIssue() {
      const number = 12 + state.pulls.length + state.issues.length;
      state.issues.push(number);
      return number;
    },
    grant(login, role) {
      state.permissions.set(login, role);
    },
    review(number, user, reviewState) {
      const review: FakeReview = {
        id: state.nextId(),
        pull: number,
        user,
        state: reviewState,
        commit_id: headSha(store, fake.pull(number)),
        submitted_at: state.now(),
      };
      state.reviews.push(review);
      return review;
    },
    push(edits, message, author) {
      const head = store.readRef(`heads/${defaultBranch}`)!;
      const treeEdits: TreeEdit[] = Object.entries(edits).map(([path, text]) => ({
        path,
        mode: "100644",
        sha: text === null ? null : store.writeBlob(Buffer.from(text)),
      }));
      const tree = store.writeTree(store.readCommit(head)!.tree, treeEdits);
      const sha = store.writeCommit({ tree, parents: [head], message, author });
      store.writeRef(`heads/${defaultBranch}`, sha);
      return sha;
    },
    merge(number, by) {
      const pull = fake.pull(number);
      if (pull.state !== "open") throw new Error(`#${number} is not open`);
      const base = store.readRef(`heads/${pull.base.ref}`)!;
      const head = headSha(store, pull);
      const sha = store.writeCommit({
        tree: store.mergeTree(base, head),
        parents: [base, head],
        message: `Merge pull request #${number} from ${TEST_OWNER}/${pull.head.ref}\n\n${pull.title}`,
        author: by,
      });
      store.writeRef(`heads/${pull.base.ref}`, sha);
      Object.assign(pull, {
        head: { ...pull.head, sha: head },
        state: "closed",
        merged_at: state.now(),
        merge_commit_sha: sha,
        merged_by: by,
      });
      return sha;
    },
    pull(number) {
      const pull = state.pulls.find((p) => p.number === number);
      if (!pull) throw new Error(`the fake GitHub has no pull request #${number}`);
      return pull;
    },
    pullJson: (pull) => pullJson(store, pull),
    deploymentJson,
    statusJson: (status) => statusJson(state, status),
  };
  return { fake, state, router, logRouter };
}

/** The App's installation on the repository, and installation tokens (recorded as minted). */
function registerInstallation(router: Router, state: FakeState): void {
  router.on("GET", /^\/app$/, () =>
    ok({ id: TEST_APP_ID, slug: TEST_APP_SLUG, name: "orchestrator", owner: { login: TEST_OWNER } }),
  );
  router.on("GET", repoRoute("/installation"), () =>
    ok({ id: TEST_INSTALLATION_ID, account: { login: TEST_OWNER }, app_slug: "orchestrator" }),
  );
  router.on("POST", /^\/app\/installations\/(\d+)\/access_tokens$/, (req) => {
    if (Number(req.params[0]) !== TEST_INSTALLATION_ID) return notFound();
    const token = `ghs_${randomUUID().replace(/-/g, "")}E2E`;
    state.tokens.push(token);
    const expiresAt = state.nowMs() + 3_600_000;
    state.tokenExpiry.set(token, expiresAt);
    const permissions = { contents: "write", pull_requests: "write", issues: "write", checks: "write" };
    return ok(
      {
        token,
        expires_at: new Date(expiresAt).toISOString(),
        permissions: { ...permissions, deployments: "write" },
        repository_selection: "selected",
      },
      201,
    );
  });
}

/** Jobs of a workflow run, and their logs: a 302 to a pre-signed URL on the blob host. */
function registerActions(router: Router, logRouter: Router, state: FakeState, blobOrigin: string): void {
  const job = (id: string | undefined) => state.runs.flatMap((r) => r.jobs).find((j) => j.id === Number(id));
  router.on("GET", repoRoute("/actions/runs/(\\d+)/jobs"), (req) => {
    const run = state.runs.find((r) => r.id === Number(req.params[0]));
    if (!run) return notFound();
    return ok({
      total_count: run.jobs.length,
      jobs: run.jobs.map((j) => ({
        id: j.id,
        run_id: run.id,
        name: j.name,
        status: "completed",
        conclusion: j.conclusion,
        head_sha: run.head_sha,
        html_url: `${WEB}/actions/runs/${run.id}/job/${j.id}`,
      })),
    });
  });
  router.on("GET", repoRoute("/actions/jobs/(\\d+)/logs"), (req) => {
    const found = job(req.params[0]);
    if (!found) return notFound();
    return { status: 302, headers: { location: `${blobOrigin}/logs/${found.id}.txt?sig=e2e-signature` } };
  });
  logRouter.on("GET", /^\/logs\/(\d+)\.txt$/, (req) => {
    const found = job(req.params[0]);
    if (!found || req.query.get("sig") !== "e2e-signature")
      return { status: 403, body: "AuthenticationFailed" };
    return { status: 200, body: found.log, headers: { "content-type": "text/plain" } };
  });
}

/**
 * Like GitHub: the App's JWT for App endpoints, a minted, unexpired installation token for everything
 * else. Anything else is a 401 and a recorded problem.
 */
function authorize(
  req: FakeRequest,
  state: FakeState,
  verifyAppJwt: FakeOptions["verifyAppJwt"],
): FakeResponse | null {
  const auth = String(req.headers.authorization ?? "");
  const appEndpoint =
    req.path === "/app" || req.path.startsWith("/app/") || req.path.endsWith("/installation");
  let refusal: string | null;
  if (appEndpoint) {
    const jwt = /^bearer ([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(auth)?.[1];
    refusal = !jwt ? "no App JWT" : (verifyAppJwt?.(jwt, state) ?? null);
  } else {
    const token = /^(?:token|bearer) (\S+)$/i.exec(auth)?.[1];
    const expiry = token ? state.tokenExpiry.get(token) : undefined;
    refusal =
      token && state.userTokens.has(token)
        ? null
        : expiry === undefined
          ? "no installation token"
          : expiry <= state.nowMs()
            ? "expired installation token"
            : null;
  }
  if (refusal === null) return null;
  state.problems.push(`${req.method} ${req.path}: ${refusal} (${auth.slice(0, 12) || "none"})`);
  return {
    status: 401,
    body: { message: refusal.startsWith("'") ? refusal : "Bad credentials" },
  };
}
