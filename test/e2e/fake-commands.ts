/**
 * The fake GitHub's routes behind `/orchestrator` comments: the commenter's permission, reactions, and
 * the workflow runs of a commit (the failure a `fix` command reads). Issues that are not pull requests
 * exist when a test opens one (`openIssue`).
 */
import type { Router } from "./fake-router.js";
import { WEB, ok, repoRoute, type FakeState } from "./fake-state.js";

export function registerCommandRoutes(router: Router, state: FakeState): void {
  router.on("GET", repoRoute("/collaborators/([^/]+)/permission"), (req) => {
    const login = req.params[0]!;
    const role = state.permissions.get(login) ?? "none";
    const permission = role === "triage" ? "read" : role === "maintain" ? "write" : role;
    return ok({
      permission,
      role_name: role,
      user: { login, id: 2000 + login.length, type: "User" },
    });
  });
  router.on("POST", repoRoute("/issues/comments/(\\d+)/reactions"), (req) =>
    ok({ id: state.nextId(), content: String(req.body.content ?? ""), created_at: state.now() }, 201),
  );
  router.on("GET", repoRoute("/actions/runs"), (req) => {
    const sha = req.query.get("head_sha");
    const status = req.query.get("status");
    const runs = state.runs
      .filter((r) => !sha || r.head_sha === sha)
      .filter((r) => status !== "failure" || r.jobs.some((j) => j.conclusion === "failure"));
    return ok({
      total_count: runs.length,
      workflow_runs: runs.map((r) => ({
        id: r.id,
        name: r.name,
        head_sha: r.head_sha,
        head_branch: "main",
        status: "completed",
        conclusion: r.jobs.some((j) => j.conclusion === "failure") ? "failure" : "success",
        html_url: `${WEB}/actions/runs/${r.id}`,
        created_at: state.now(),
      })),
    });
  });
}
