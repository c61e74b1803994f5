/** Contracts shared by the planner, the patchers, the policy, the app and the CLI. */

/** One entry of the repository tree as git sees it. Mode `120000` is a symlink, `160000` a submodule. */
export interface TreeEntry {
  path: string;
  mode: string;
  type: "blob" | "tree" | "commit";
}

/** Read access to a repository at one commit: a local checkout or the GitHub Git Data API. */
export interface RepoReader {
  /** File text, or null when the path does not exist (or is not a regular file). */
  readFile(path: string): Promise<string | null>;
  /** Every entry below `dir` (recursive), with git modes. */
  listTree(dir: string): Promise<TreeEntry[]>;
  /**
   * The entries of each prefix of `path` that `listTree` may have left out (GitHub truncates very large
   * recursive trees), so the policy still sees a symlink or submodule on the way. Optional.
   */
  entriesAlong?(path: string): Promise<TreeEntry[]>;
}

/** One file as a fix would change it. */
export interface FileChange {
  path: string;
  /** null when the file is created. */
  before: string | null;
  after: string;
  /** Git mode of the existing file (from the tree), so that the policy can refuse symlinks. */
  mode: string;
}
