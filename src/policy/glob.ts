/**
 * A small glob matcher for policy patterns (no dependency, no filesystem): `*` and `?` stay inside one
 * path segment, `**` spans segments, `{a,b}` alternates. A pattern without '/' matches the file name at
 * any depth, as in .gitignore, so `*.lock` covers `sub/x.lock` too.
 */
export function globToRegExp(pattern: string, options: GlobOptions = {}): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        const slashAfter = pattern[i + 2] === "/";
        re += slashAfter ? "(?:.*/)?" : ".*";
        i += slashAfter ? 2 : 1;
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "{") {
      const close = pattern.indexOf("}", i);
      if (close === -1) {
        re += "\\{";
        continue;
      }
      const options = pattern
        .slice(i + 1, close)
        .split(",")
        .map(escapeRegExp);
      re += `(?:${options.join("|")})`;
      i = close;
    } else {
      re += escapeRegExp(c);
    }
  }
  return new RegExp(`^${re}$`, options.nocase ? "i" : "");
}

export interface GlobOptions {
  /** Match regardless of case (hard refusals: `.ENV` is as secret as `.env`). */
  nocase?: boolean;
}

export function matchesGlob(path: string, pattern: string, options: GlobOptions = {}): boolean {
  const target = pattern.includes("/") ? path : (path.split("/").pop() ?? path);
  return globToRegExp(pattern.replace(/^\.\//, ""), options).test(target);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
