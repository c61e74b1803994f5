/**
 * The fake GitHub's pull requests, reviews, labels and issue comments. A PR's files are the real diff
 * between its merge base and its head in the git store.
 */
import { createHash } from "node:crypto";
import { TEST_OWNER } from "../helpers/webhook-examples.js";
import { notFound, unprocessable } from "./fake-git-data.js";
import type { Router } from "./fake-router.js";
import {
  API,
  BOT,
  REPO_PATH,
  WEB,
  ok,
  repoRoute,
  type FakeComment,
  type FakePull,
  type FakeState,
} from "./fake-state.js";
import type { GitStore } from "./git-store.js";

/** An open PR follows its branch; a closed one keeps the head it had. */
export const headSha = (store: GitStore, p: FakePull): string =>
  p.state === "open" ? (store.readRef(`heads/${p.head.ref}`) ?? p.head.sha) : p.head.sha;

/** The PR's JSON as the REST API (and webhooks) show it. */
export const pullJson = (store: GitStore, p: FakePull): Record<string, unknown> => ({
  url: `${API}${REPO_PATH}/pulls/${p.number}`,
  id: 50_000 + p.number,
  number: p.number,
  state: p.state,
  title: p.title,
  body: p.body,
  html_url: `${WEB}/pull/${p.number}`,
  user: BOT,
  labels: p.labels.map((name, i) => ({ id: i + 1, name, color: "ededed", default: false })),
  head: { ref: p.head.ref, sha: headSha(store, p), label: `${TEST_OWNER}:${p.head.ref}` },
  base: { ref: p.base.ref, sha: p.base.sha, label: `${TEST_OWNER}:${p.base.ref}` },
  merged: p.merged_at !== null,
  merged_at: p.merged_at,
  merge_commit_sha: p.merge_commit_sha,
  merged_by: p.merged_by ? { login: p.merged_by, type: "User" } : null,
  created_at: p.created_at,
});

export function registerPulls(router: Router, state: FakeState, store: GitStore): void {
  const findPull = (n: number) => state.pulls.find((p) => p.number === n);

  router.on("GET", repoRoute("/pulls"), (req) => {
    const head = req.query.get("head");
    const wanted = req.query.get("state") ?? "open";
    const list = state.pulls
      .filter((p) => !head || `${TEST_OWNER}:${p.head.ref}` === head)
      .filter((p) => wanted === "all" || p.state === wanted)
      .sort((a, b) => b.number - a.number);
    return ok(list.map((p) => pullJson(store, p)));
  });
  router.on("POST", repoRoute("/pulls"), (req) => {
    const head = String(req.body.head ?? "");
    const base = String(req.body.base ?? "");
    const headCommit = store.readRef(`heads/${head}`);
    const baseCommit = store.readRef(`heads/${base}`);
    if (!headCommit || !baseCommit)
      return unprocessable(`Validation Failed: head ${head} or base ${base} is not a branch`);
    if (state.pulls.some((p) => p.state === "open" && p.head.ref === head))
      return unprocessable(`A pull request already exists for ${TEST_OWNER}:${head}.`);
    // Numbers are shared with issues on GitHub; this repository's earlier ones are imaginary.
    const number = 12 + state.pulls.length + state.issues.length;
    const pull: FakePull = {
      number,
      title: String(req.body.title ?? ""),
      body: String(req.body.body ?? ""),
      head: { ref: head, sha: headCommit },
      base: { ref: base, sha: store.mergeBase(baseCommit, headCommit) },
      state: "open",
      labels: [],
      merged_at: null,
      merge_commit_sha: null,
      merged_by: null,
      created_at: state.now(),
    };
    state.pulls.push(pull);
    return ok(pullJson(store, pull), 201);
  });
  router.on("GET", repoRoute("/pulls/(\\d+)"), (req) => {
    const pull = findPull(Number(req.params[0]));
    return pull ? ok(pullJson(store, pull)) : notFound();
  });
  router.on("GET", repoRoute("/pulls/(\\d+)/files"), (req) => {
    const pull = findPull(Number(req.params[0]));
    if (!pull) return notFound();
    return ok(
      store.diff(pull.base.sha, headSha(store, pull)).map((f) => ({
        sha: createHash("sha1").update(f.filename).digest("hex"),
        ...f,
        changes: f.additions + f.deletions,
        blob_url: `${WEB}/blob/${headSha(store, pull)}/${f.filename}`,
        raw_url: `${WEB}/raw/${headSha(store, pull)}/${f.filename}`,
        contents_url: `${API}${REPO_PATH}/contents/${f.filename}`,
      })),
    );
  });
  router.on("GET", repoRoute("/pulls/(\\d+)/reviews"), (req) =>
    ok(
      state.reviews
        .filter((r) => r.pull === Number(req.params[0]))
        .map((r) => ({
          id: r.id,
          user: { login: r.user, id: 2000 + r.user.length, type: "User" },
          body: "",
          state: r.state,
          commit_id: r.commit_id,
          submitted_at: r.submitted_at,
          html_url: `${WEB}/pull/${r.pull}#pullrequestreview-${r.id}`,
        })),
    ),
  );

  // Issues: labels and comments (all on pull requests here).
  const commentJson = (c: FakeComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    body: c.body,
    user: BOT,
    html_url: `${WEB}/pull/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${API}${REPO_PATH}/issues/${c.issue}`,
    created_at: c.created_at,
    updated_at: c.updated_at,
  });
  router.on("POST", repoRoute("/issues/(\\d+)/labels"), (req) => {
    const pull = findPull(Number(req.params[0]));
    if (!pull) return notFound();
    for (const label of (req.body.labels ?? []) as string[])
      if (!pull.labels.includes(label)) pull.labels.push(label);
    return ok(pull.labels.map((name, i) => ({ id: i + 1, name })));
  });
  router.on("GET", repoRoute("/issues/(\\d+)/comments"), (req) =>
    ok(state.comments.filter((c) => c.issue === Number(req.params[0])).map(commentJson)),
  );
  router.on("POST", repoRoute("/issues/(\\d+)/comments"), (req) => {
    const issue = Number(req.params[0]);
    if (!findPull(issue) && !state.issues.includes(issue)) return notFound();
    const comment: FakeComment = {
      id: state.nextId(),
      issue,
      body: String(req.body.body ?? ""),
      created_at: state.now(),
      updated_at: state.now(),
      edits: 0,
    };
    state.comments.push(comment);
    return ok(commentJson(comment), 201);
  });
  router.on("PATCH", repoRoute("/issues/comments/(\\d+)"), (req) => {
    const comment = state.comments.find((c) => c.id === Number(req.params[0]));
    if (!comment) return notFound();
    comment.body = String(req.body.body ?? "");
    comment.updated_at = state.now();
    comment.edits += 1;
    return ok(commentJson(comment));
  });
}
