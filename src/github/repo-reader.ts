import type { RepoReader, TreeEntry } from "../patch/repo-files.js";
import type { AppClient } from "./app-client.js";

/**
 * A RepoReader over the Git Data API at one commit: one recursive tree request (with git modes, so
 * the policy can see symlinks), then blobs on demand. Only regular files (100644/100755) are readable.
 */
export function createGitDataReader(client: AppClient, treeSha: string): RepoReader {
  const { octokit, owner, repo, log } = client;
  let tree: Promise<TreeEntry[]> | null = null;
  let truncated = false;
  const blobShas = new Map<string, string>();

  const loadTree = (): Promise<TreeEntry[]> => {
    tree ??= (async () => {
      const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: treeSha, recursive: "1" });
      truncated = data.truncated;
      if (data.truncated)
        log.warn({ treeSha }, "repository tree is truncated; files beyond the limit are invisible to fixes");
      const entries: TreeEntry[] = [];
      for (const item of data.tree) {
        if (!item.path || !item.mode || !item.type) continue;
        if (item.type !== "blob" && item.type !== "tree" && item.type !== "commit") continue;
        entries.push({ path: item.path, mode: item.mode, type: item.type });
        if (item.type === "blob" && item.sha && (item.mode === "100644" || item.mode === "100755")) {
          blobShas.set(item.path, item.sha);
        }
      }
      return entries;
    })();
    return tree;
  };

  return {
    async listTree(dir: string): Promise<TreeEntry[]> {
      const entries = await loadTree();
      const prefix = normalizeDir(dir);
      return prefix === "" ? entries : entries.filter((e) => e.path.startsWith(prefix));
    },
    /** Only for a truncated tree: one non-recursive tree request per folder along the path. */
    async entriesAlong(path: string): Promise<TreeEntry[]> {
      await loadTree();
      if (!truncated) return [];
      const out: TreeEntry[] = [];
      let sha = treeSha;
      let prefix = "";
      for (const segment of path.split("/")) {
        const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: sha });
        const item = data.tree.find((e) => e.path === segment);
        if (!item?.mode || (item.type !== "blob" && item.type !== "tree" && item.type !== "commit")) break;
        prefix = prefix === "" ? segment : `${prefix}/${segment}`;
        out.push({ path: prefix, mode: item.mode, type: item.type });
        if (item.type !== "tree" || !item.sha) break;
        sha = item.sha;
      }
      return out;
    },
    async readFile(path: string): Promise<string | null> {
      await loadTree();
      const sha = blobShas.get(path);
      if (!sha) return null;
      const { data } = await octokit.rest.git.getBlob({ owner, repo, file_sha: sha });
      return Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8").toString("utf8");
    },
  };
}

function normalizeDir(dir: string): string {
  const trimmed = dir.replace(/^\.\/?/, "").replace(/\/+$/, "");
  return trimmed === "" ? "" : `${trimmed}/`;
}
