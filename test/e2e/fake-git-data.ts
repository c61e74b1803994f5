/**
 * The fake GitHub's Git Data and contents endpoints, answered from the real git store: what the app
 * writes (blobs, trees, commits, refs) becomes real git objects with real SHAs.
 */
import type { GitStore } from "./git-store.js";
import type { FakeResponse, Router } from "./fake-router.js";

const API = "https://api.github.com";

export function notFound(): FakeResponse {
  return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
}

export function unprocessable(message: string): FakeResponse {
  return { status: 422, body: { message, documentation_url: "https://docs.github.com/rest" } };
}

export function registerGitData(
  router: Router,
  repoPath: string,
  store: GitStore,
  defaultBranch: string,
): void {
  const R = repoPath.replace(/\//g, "\\/");
  const at = (rest: string) => new RegExp(`^${R}${rest}$`);
  const refJson = (ref: string, sha: string) => ({
    ref: `refs/${ref}`,
    node_id: `REF_${sha.slice(0, 8)}`,
    url: `${API}${repoPath}/git/refs/${ref}`,
    object: { sha, type: "commit", url: `${API}${repoPath}/git/commits/${sha}` },
  });

  router.on("GET", at("/git/ref/(.+)"), (req) => {
    const ref = req.params[0]!;
    const sha = store.readRef(ref);
    return sha ? { status: 200, body: refJson(ref, sha) } : notFound();
  });

  router.on("GET", at("/git/commits/([0-9a-f]{40})"), (req) => {
    const commit = store.readCommit(req.params[0]!);
    if (!commit) return notFound();
    return {
      status: 200,
      body: {
        sha: commit.sha,
        node_id: `C_${commit.sha.slice(0, 8)}`,
        message: commit.message,
        tree: { sha: commit.tree, url: `${API}${repoPath}/git/trees/${commit.tree}` },
        parents: commit.parents.map((sha) => ({ sha, url: `${API}${repoPath}/git/commits/${sha}` })),
      },
    };
  });

  router.on("GET", at("/git/trees/([0-9a-f]{40})"), (req) => {
    const sha = req.params[0]!;
    const recursive = ["1", "true"].includes(req.query.get("recursive") ?? "");
    const items = store.listTree(sha, recursive);
    if (!items) return notFound();
    return {
      status: 200,
      body: {
        sha,
        url: `${API}${repoPath}/git/trees/${sha}`,
        truncated: false,
        tree: items.map((i) => ({ ...i, url: `${API}${repoPath}/git/${i.type}s/${i.sha}` })),
      },
    };
  });

  router.on("GET", at("/git/blobs/([0-9a-f]{40})"), (req) => {
    const sha = req.params[0]!;
    const blob = store.readBlob(sha);
    if (!blob) return notFound();
    return {
      status: 200,
      body: {
        sha,
        node_id: `B_${sha.slice(0, 8)}`,
        size: blob.length,
        encoding: "base64",
        content: blob.toString("base64"),
      },
    };
  });

  router.on("POST", at("/git/blobs"), (req) => {
    const content = String(req.body.content ?? "");
    const buffer = Buffer.from(content, req.body.encoding === "base64" ? "base64" : "utf8");
    const sha = store.writeBlob(buffer);
    return { status: 201, body: { sha, url: `${API}${repoPath}/git/blobs/${sha}` } };
  });

  router.on("POST", at("/git/trees"), (req) => {
    const entries = (req.body.tree ?? []) as Array<{
      path: string;
      mode: string;
      sha?: string | null;
      content?: string;
    }>;
    try {
      const edits = entries.map((e) => ({
        path: e.path,
        mode: e.mode,
        sha: e.content !== undefined ? store.writeBlob(Buffer.from(e.content)) : (e.sha ?? null),
      }));
      const base = typeof req.body.base_tree === "string" ? req.body.base_tree : null;
      const sha = store.writeTree(base, edits);
      return {
        status: 201,
        body: {
          sha,
          url: `${API}${repoPath}/git/trees/${sha}`,
          truncated: false,
          tree: store.listTree(sha, false),
        },
      };
    } catch (error) {
      return unprocessable((error as Error).message);
    }
  });

  router.on("POST", at("/git/commits"), (req) => {
    const tree = String(req.body.tree ?? "");
    const parents = (req.body.parents ?? []) as string[];
    if (!store.listTree(tree, false)) return unprocessable(`Tree SHA does not exist: ${tree}`);
    if (parents.some((p) => !store.readCommit(p)))
      return unprocessable("Parent SHA does not exist or is not a commit object");
    const author = (req.body.author as { name?: string } | undefined)?.name ?? "orchestrator[bot]";
    const sha = store.writeCommit({ tree, parents, message: String(req.body.message ?? ""), author });
    return {
      status: 201,
      body: {
        sha,
        tree: { sha: tree },
        parents: parents.map((p) => ({ sha: p })),
        message: req.body.message,
      },
    };
  });

  router.on("POST", at("/git/refs"), (req) => {
    const full = String(req.body.ref ?? "");
    const sha = String(req.body.sha ?? "");
    if (!full.startsWith("refs/")) return unprocessable("Reference name must start with 'refs/'");
    const ref = full.slice("refs/".length);
    if (store.readRef(ref)) return unprocessable("Reference already exists");
    if (!store.readCommit(sha)) return unprocessable("Object does not exist");
    store.writeRef(ref, sha);
    return { status: 201, body: refJson(ref, sha) };
  });

  router.on("PATCH", at("/git/refs/(.+)"), (req) => {
    const ref = req.params[0]!;
    const sha = String(req.body.sha ?? "");
    const current = store.readRef(ref);
    if (!current) return unprocessable("Reference does not exist");
    if (!store.readCommit(sha)) return unprocessable("Object does not exist");
    if (req.body.force !== true && store.mergeBase(current, sha) !== current)
      return unprocessable("Update is not a fast forward");
    store.writeRef(ref, sha);
    return { status: 200, body: refJson(ref, sha) };
  });

  router.on("GET", at("/branches/([^/]+)"), (req) => {
    const name = req.params[0]!;
    const sha = store.readRef(`heads/${name}`);
    const commit = sha ? store.readCommit(sha) : null;
    if (!sha || !commit) return notFound();
    return {
      status: 200,
      body: {
        name,
        protected: false,
        commit: {
          sha,
          url: `${API}${repoPath}/commits/${sha}`,
          commit: { tree: { sha: commit.tree, url: `${API}${repoPath}/git/trees/${commit.tree}` } },
        },
      },
    };
  });

  // Probot's config loader asks for the raw file; the default branch unless `ref` is given.
  router.on("GET", at("/contents/(.+)"), (req) => {
    const path = req.params[0]!;
    const ref = req.query.get("ref") ?? `heads/${defaultBranch}`;
    const commit = store.readRef(ref) ?? store.readRef(`heads/${ref}`) ?? ref;
    const text = store.show(commit, path);
    if (text === null) return notFound();
    const accept = String(req.headers.accept ?? "");
    if (accept.includes("raw"))
      return {
        status: 200,
        body: text,
        headers: { "content-type": "application/vnd.github.raw; charset=utf-8" },
      };
    return {
      status: 200,
      body: {
        type: "file",
        path,
        name: path.split("/").pop(),
        encoding: "base64",
        content: Buffer.from(text).toString("base64"),
      },
    };
  });
}
