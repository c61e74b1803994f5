import type { TreeEntry } from "../patch/repo-files.js";

const SYMLINK = "120000";
const SUBMODULE = "160000";

/**
 * Refusals for a path that passes through a symlink or a submodule: a write to `a/b/c` where `a/b` is a
 * link lands wherever the link points (outside the service, outside the repository). Every prefix of the
 * path and the path itself are looked up in the tree (git modes as GitHub or `git ls-files -s` report).
 */
export function linkRefusals(path: string, tree: TreeEntry[]): string[] {
  if (tree.length === 0) return [];
  const byPath = new Map(tree.map((e) => [e.path, e]));
  const segments = path.split("/");
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join("/");
    const entry = byPath.get(prefix);
    if (!entry) continue;
    const own = i === segments.length;
    if (entry.mode === SYMLINK)
      return [
        own
          ? `${path}: is a symlink (mode 120000); fixes never change symlinks`
          : `${path}: its folder ${prefix} is a symlink (mode 120000); fixes never write through a link`,
      ];
    if (entry.mode === SUBMODULE || entry.type === "commit")
      return [
        own
          ? `${path}: is a submodule (mode 160000); fixes never change submodules`
          : `${path}: its folder ${prefix} is a submodule (mode 160000); fixes never write into a submodule`,
      ];
  }
  return [];
}
