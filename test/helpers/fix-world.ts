/**
 * Typed nock builders for the fix half: one function per GitHub conversation the app has, so app tests
 * read as a story. All mocks go through the harness's validated scope (test/helpers/github.ts).
 */
import type { GitHubHarness } from "./github.js";
import { R } from "./app-world.js";
import { TEST_OWNER, TEST_REPO } from "./webhook-examples.js";

export const BLOB_HOST = "https://pipelines.actions.example.test";

export const API_CONFIG = `
services:
  api:
    path: services/api
  web:
    path: services/web
auto_fix: AUTO
`;

export function configText(autoFix = false): string {
  return API_CONFIG.replace("AUTO", String(autoFix));
}

/** `.github/orchestrator.yml` on the default branch; null = missing here and in the org `.github` repo. */
export function mockConfig(gh: GitHubHarness, text: string | null): void {
  const path = `${R}/contents/.github%2Forchestrator.yml`;
  if (text === null) {
    gh.github.get(path).reply(404, { message: "Not Found" });
    gh.github
      .get(`/repos/${TEST_OWNER}/.github/contents/.github%2Forchestrator.yml`)
      .reply(404, { message: "Not Found" });
    return;
  }
  gh.github.get(path).reply(200, text, { "content-type": "application/vnd.github.raw; charset=utf-8" });
}

export function mockPermission(
  gh: GitHubHarness,
  login: string,
  permission: "admin" | "write" | "read" | "none",
): void {
  gh.github
    .get(`${R}/collaborators/${login}/permission`)
    .reply(200, { permission, role_name: permission, user: { login, id: 7, type: "User" } });
}

export function mockEyes(gh: GitHubHarness, commentId: number): void {
  gh.github
    .post(`${R}/issues/comments/${commentId}/reactions`, { content: "eyes" })
    .reply(201, { id: 1, content: "eyes" });
}

export interface RepoFiles {
  [path: string]: { content: string; mode?: string } | string;
}

export const BASE_SHA = "b".repeat(40);
export const BASE_TREE = "t".repeat(40);

export const API_FILES: RepoFiles = {
  ".github/orchestrator.yml": "services: {}\n",
  "docker-compose.yml": "services:\n  api:\n    build: services/api\n",
  "services/api/Dockerfile":
    "FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
  "services/api/requirements.txt": "flask==3.0.0\n",
  "services/api/app.py": "import yaml\n",
  "services/web/package.json": '{ "name": "web" }\n',
};

/**
 * The default branch head: branch (commit and tree) -> recursive tree (once per delivery), and blobs. Blob reads
 * are optional: which files the planner opens is its own business.
 */
export function mockDefaultHead(gh: GitHubHarness, files: RepoFiles = API_FILES, times = 1): void {
  gh.github
    .get(`${R}/branches/main`)
    .times(times)
    .reply(200, { name: "main", commit: { sha: BASE_SHA, commit: { tree: { sha: BASE_TREE } } } });
  const tree = Object.entries(files).map(([path, f], i) => ({
    path,
    mode: typeof f === "string" ? "100644" : (f.mode ?? "100644"),
    type: "blob",
    sha: blobSha(i),
    size: (typeof f === "string" ? f : f.content).length,
  }));
  gh.github
    .get(`${R}/git/trees/${BASE_TREE}`)
    .query({ recursive: "1" })
    .times(times)
    .reply(200, { sha: BASE_TREE, truncated: false, tree });
  Object.values(files).forEach((f, i) => {
    const content = typeof f === "string" ? f : f.content;
    gh.github
      .get(`${R}/git/blobs/${blobSha(i)}`)
      .times(times)
      .optionally()
      .reply(200, {
        sha: blobSha(i),
        encoding: "base64",
        content: Buffer.from(content).toString("base64"),
        size: content.length,
      });
  });
}

function blobSha(i: number): string {
  return `${i}`.padStart(40, "a");
}

export interface JobSpec {
  id: number;
  name: string;
  conclusion: "failure" | "success";
  log?: string;
}

/** A failed workflow run with jobs; failed jobs' logs answer 302 to a blob host, which streams them. */
export function mockRunJobs(gh: GitHubHarness, runId: number, jobs: JobSpec[], times = 1): void {
  gh.github
    .get(`${R}/actions/runs/${runId}/jobs`)
    .query({ filter: "latest", per_page: "100" })
    .times(times)
    .reply(200, {
      total_count: jobs.length,
      jobs: jobs.map((j) => ({
        id: j.id,
        name: j.name,
        conclusion: j.conclusion,
        status: "completed",
        html_url: `https://github.com/${TEST_OWNER}/${TEST_REPO}/actions/runs/${runId}/job/${j.id}`,
      })),
    });
  for (const job of jobs.filter((j) => j.conclusion === "failure")) {
    gh.github
      .get(`${R}/actions/jobs/${job.id}/logs`)
      .times(times)
      .reply(302, "", { location: `${BLOB_HOST}/logs/${job.id}.txt?sig=secret-signature` });
    gh.scope(BLOB_HOST)
      .get(`/logs/${job.id}.txt`)
      .query({ sig: "secret-signature" })
      .times(times)
      .reply(200, job.log ?? "", { "content-type": "text/plain" });
  }
}

/** `GET /actions/runs?head_sha=...&status=failure` answering one failed run (or none). */
export function mockFailedRunsFor(gh: GitHubHarness, sha: string, runId: number | null): void {
  gh.github
    .get(`${R}/actions/runs`)
    .query({ head_sha: sha, status: "failure", per_page: "5" })
    .reply(200, {
      total_count: runId === null ? 0 : 1,
      workflow_runs:
        runId === null
          ? []
          : [
              {
                id: runId,
                name: "CI",
                head_sha: sha,
                html_url: `https://github.com/${TEST_OWNER}/${TEST_REPO}/actions/runs/${runId}`,
                created_at: "2024-05-01T10:00:00Z",
              },
            ],
    });
}

export function mockPullsForBranch(gh: GitHubHarness, branch: string, pulls: object[]): void {
  gh.github
    .get(`${R}/pulls`)
    .query({ head: `${TEST_OWNER}:${branch}`, state: "all", per_page: "20" })
    .reply(200, pulls);
}

export const NEW_COMMIT = "c".repeat(40);
export const NEW_TREE = "d".repeat(40);

/** Tree (contents inline), commit and ref for one new branch. `ref`: 201 created, or 422 for an existing branch. */
export function mockCommit(gh: GitHubHarness, branch: string, options: { ref?: 201 | 422 } = {}): void {
  gh.github.post(`${R}/git/trees`).reply(201, { sha: NEW_TREE, url: "", tree: [], truncated: false });
  gh.github.post(`${R}/git/commits`).reply(201, { sha: NEW_COMMIT, tree: { sha: NEW_TREE }, parents: [] });
  if ((options.ref ?? 201) === 201) {
    gh.github
      .post(`${R}/git/refs`, { ref: `refs/heads/${branch}`, sha: NEW_COMMIT })
      .reply(201, { ref: `refs/heads/${branch}`, object: { sha: NEW_COMMIT } });
  } else {
    gh.github.post(`${R}/git/refs`).reply(422, { message: "Reference already exists" });
  }
}

export function pullJson(
  number: number,
  branch: string,
  state: "open" | "closed" = "open",
  merged = false,
): object {
  return {
    number,
    state,
    merged_at: merged ? "2024-05-01T00:00:00Z" : null,
    html_url: `https://github.com/${TEST_OWNER}/${TEST_REPO}/pull/${number}`,
    head: { sha: NEW_COMMIT, ref: branch },
    body: "",
  };
}

/** PR creation, label and the two check runs ("orchestrator / fix" and "orchestrator / approval"). */
export function mockOpenPull(
  gh: GitHubHarness,
  branch: string,
  number: number,
): { prBody: () => string; checks: () => object[] } {
  let prBody = "";
  const checks: object[] = [];
  gh.github
    .post(`${R}/pulls`, (b: { head: string; base: string; body: string }) => {
      prBody = b.body;
      return b.head === branch && b.base === "main";
    })
    .reply(201, pullJson(number, branch));
  gh.github
    .post(`${R}/issues/${number}/labels`, { labels: ["orchestrator"] })
    .reply(200, [{ name: "orchestrator" }]);
  // Looked up only when the branch converged on an existing commit (a fresh commit has none).
  for (const name of ["orchestrator / fix", "orchestrator / approval"]) {
    gh.github
      .get(`${R}/commits/${NEW_COMMIT}/check-runs`)
      .query({ check_name: name, filter: "latest" })
      .optionally()
      .reply(200, { total_count: 0, check_runs: [] });
  }
  gh.github
    .post(`${R}/check-runs`, (b: object) => {
      checks.push(b);
      return true;
    })
    .times(2)
    .reply(201, { id: 555 });
  return { prBody: () => prBody, checks: () => checks };
}
