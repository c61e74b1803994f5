/**
 * Typed nock builders for the deploy half, on top of the validated harness (test/helpers/github.ts):
 * one function per GitHub conversation, so app tests read as a story.
 */
import type { DeploymentPayload } from "../../contract/deployment.js";
import { deploymentSignatureProblem } from "../../src/deploy/signing.js";
import { R, sha } from "./app-world.js";
import type { GitHubHarness } from "./github.js";
import {
  BOT_USER,
  mockAppIdentity,
  signedMarker,
  signPayload,
  testSigningKey,
  TEST_FULL_REPO,
  type UnsignedPayload,
} from "./signing.js";
import { TWO_SERVICES } from "./deploy-config.js";

/** Two services: `api` protected (approver alice, production), `web` (staging); one required context. */
export const DEPLOY_CONFIG = TWO_SERVICES;

/** A fix PR body as the app writes it: its signed marker first, for the fix branch of `service`. */
export function fixPrBody(service: string, branch = `orchestrator/${service}/0123456789`): string {
  return `${signedMarker(
    {
      v: 1,
      service,
      fingerprint: "0123456789",
      finding: { kind: "python_module", missing: "yaml", package: "PyYAML", ecosystem: "pypi" },
      run_url: null,
      base_sha: sha("b"),
    },
    branch,
  )}\n\nAdds a package.`;
}

export interface FileSpec {
  filename: string;
  status?: string;
  patch?: string;
  additions?: number;
  deletions?: number;
  previous_filename?: string;
}

export function mockPullFiles(gh: GitHubHarness, pr: number, files: FileSpec[]): void {
  gh.github
    .get(`${R}/pulls/${pr}/files`)
    .query({ per_page: "100" })
    .reply(
      200,
      files.map((f, i) => ({
        sha: sha(String(i)),
        filename: f.filename,
        status: f.status ?? "modified",
        additions: f.additions ?? 1,
        deletions: f.deletions ?? 0,
        changes: (f.additions ?? 1) + (f.deletions ?? 0),
        blob_url: "",
        raw_url: "",
        contents_url: "",
        ...(f.patch !== undefined ? { patch: f.patch } : {}),
        ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
      })),
    );
}

export interface TreeSpec {
  [path: string]: { sha: string; mode?: string };
}

/** `git/commits/<commit>` (tree + parents) and, optionally, its recursive tree. */
export function mockCommitTree(
  gh: GitHubHarness,
  commit: string,
  treeSha: string,
  tree: TreeSpec | null,
  parents: string[] = [],
): void {
  gh.github
    .get(`${R}/git/commits/${commit}`)
    .reply(200, { sha: commit, tree: { sha: treeSha, url: "" }, parents: parents.map((p) => ({ sha: p })) });
  if (tree) mockTree(gh, treeSha, tree);
}

export function mockTree(gh: GitHubHarness, treeSha: string, tree: TreeSpec): void {
  gh.github
    .get(`${R}/git/trees/${treeSha}`)
    .query({ recursive: "1" })
    .reply(200, {
      sha: treeSha,
      truncated: false,
      tree: Object.entries(tree).map(([path, e]) => ({
        path,
        mode: e.mode ?? "100644",
        type: "blob",
        sha: e.sha,
      })),
    });
}

export function mockReviews(
  gh: GitHubHarness,
  pr: number,
  reviews: { login: string; state: string; commit: string }[],
): void {
  gh.github
    .get(`${R}/pulls/${pr}/reviews`)
    .query({ per_page: "100" })
    .reply(
      200,
      reviews.map((r, i) => ({
        id: i + 1,
        user: { login: r.login, type: "User" },
        state: r.state,
        commit_id: r.commit,
        submitted_at: `2026-01-01T00:0${i}:00Z`,
      })),
    );
}

export interface DeploymentSpec {
  id: number;
  sha: string;
  /** An unsigned orchestrator payload is signed as the app would have (see `signed`). */
  payload: DeploymentPayload | UnsignedPayload | Record<string, unknown>;
  /** Oldest first, as they happened; the mock answers newest first like the API. */
  states?: string[];
  created_at?: string;
  /** Who created it (default: the app's bot). */
  creator?: { login: string; type: string };
  /** false: leave the payload as given, unsigned (default true). */
  signed?: boolean;
  /** Who wrote the statuses (default: the app's bot). */
  statusCreator?: { login: string; type: string };
}

/**
 * `GET /deployments` for one service (environment + task), newest first, and (unless `statuses: false`)
 * each deployment's statuses.
 */
export function mockDeployments(
  gh: GitHubHarness,
  input: {
    service: string;
    environment: string;
    perPage: number;
    sha?: string;
    deployments: DeploymentSpec[];
    statuses?: boolean;
  },
): void {
  mockAppIdentity(gh);
  gh.github
    .get(`${R}/deployments`)
    .query({
      environment: input.environment,
      task: `deploy:${input.service}`,
      per_page: String(input.perPage),
      ...(input.sha ? { sha: input.sha } : {}),
    })
    .reply(
      200,
      input.deployments.map((d) => {
        const createdAt = d.created_at ?? `2026-01-01T00:00:${String(d.id % 60).padStart(2, "0")}Z`;
        const unsigned = d.signed !== false && !("sig" in d.payload);
        return {
          id: d.id,
          sha: d.sha,
          ref: d.sha,
          task: `deploy:${input.service}`,
          environment: input.environment,
          payload: unsigned
            ? signPayload(d.payload as UnsignedPayload, {
                environment: input.environment,
                sha: d.sha,
                createdAt,
              })
            : d.payload,
          created_at: createdAt,
          creator: d.creator ?? BOT_USER,
        };
      }),
    );
  if (input.statuses === false) return;
  // The app never reads the statuses of a deployment it does not trust (not the bot's, or unsigned).
  const trusted = (x: DeploymentSpec) =>
    (x.creator ?? BOT_USER).login === BOT_USER.login && x.signed !== false;
  for (const d of input.deployments.filter(trusted)) {
    gh.github
      .get(`${R}/deployments/${d.id}/statuses`)
      .query({ per_page: "30" })
      .reply(
        200,
        [...(d.states ?? [])].reverse().map((state, i) => ({
          id: i + 1,
          state,
          description: `${state} note`,
          created_at: "2026-01-01T01:00:00Z",
          creator: d.statusCreator ?? BOT_USER,
        })),
      );
  }
}

/**
 * `POST /deployments`; returns a getter for the request body. The body's payload must carry the app's
 * valid signature for this repository, its environment and ref (the getter throws otherwise).
 */
export function mockCreateDeployment(
  gh: GitHubHarness,
  reply: { id: number; sha: string } | { status: 409 | 422; message: string; errors?: unknown[] },
): () => Record<string, unknown> | null {
  let body: Record<string, unknown> | null = null;
  const interceptor = gh.github.post(`${R}/deployments`, (b: Record<string, unknown>) => {
    body = b;
    return true;
  });
  if ("id" in reply)
    interceptor.reply(201, {
      id: reply.id,
      sha: reply.sha,
      ref: reply.sha,
      task: "deploy",
      environment: "x",
    });
  else interceptor.reply(reply.status, { message: reply.message, errors: reply.errors ?? [] });
  return () => {
    if (body) assertSigned(body);
    return body;
  };
}

function assertSigned(body: Record<string, unknown>): void {
  const { sig, ...fields } = body.payload as DeploymentPayload;
  const problem = deploymentSignatureProblem(
    testSigningKey(),
    { ...fields, repo: TEST_FULL_REPO, environment: String(body.environment), sha: String(body.ref) },
    sig,
    new Date().toISOString(),
  );
  if (problem) throw new Error(`the app created a deployment the runner would refuse: ${problem}`);
}
