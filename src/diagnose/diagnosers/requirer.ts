/**
 * Who asked for a missing module, from the lines around the error: the CommonJS require stack, a stack
 * frame, webpack's `in '<dir>'` / `ERROR in <file>`, Vite's `from "<file>"`, ESM's `imported from <file>`.
 * A request made from inside node_modules, a CI action's folder or a globally installed tool is not the
 * project's missing dependency.
 */

const INTERNAL_FRAME =
  /\((?:node:)?internal\/|\(module\.js:|\(loader\.js:|\(helpers\.js:|Module\._|Function\.Module|Module\.require|at require \(|jest-resolve|Resolver\.|\.pnp\.c?js|_resolveFilename|run_main|executeUserEntryPoint|node:internal/;

/** The path of the file (or folder) that requested the module, when the log shows it. */
export function requirerPath(
  line: string,
  before: readonly string[],
  after: readonly string[],
): string | null {
  const inDir = /Can't resolve '[^']*' in '([^']+)'/.exec(line);
  if (inDir) return inDir[1]!;
  const viteFrom = /ailed to resolve import "[^"]*" from "([^"]+)"/.exec(line);
  if (viteFrom) return viteFrom[1]!;
  const esm = /imported from (\S+)/.exec(line);
  if (esm) return esm[1]!;
  // tsc: `node_modules/pkg/dist/x.d.ts(1,30): error TS2307: ...` or `src/x.ts:3:20 - error TS2307: ...`.
  const tsFile = /^\s*(\S+?)(?:\(\d+,\d+\)|:\d+:\d+)(?::| -) error TS\d+:/.exec(line);
  if (tsFile) return tsFile[1]!;
  // A require-stack entry that carries the message on the same line (electron-builder's summary).
  const stackEntry = /^\s*- (\S+)\s+\S.*Cannot find module/.exec(line);
  if (stackEntry) return stackEntry[1]!;
  const jestFrom = /Cannot find module '[^']*' from '([^']+)'/.exec(line);
  const unprefixed = after.map((l) => l.replace(/^npm (?:ERR!|error) /, ""));
  for (let i = 0; i < unprefixed.length; i++) {
    const next = unprefixed[i]!.trim();
    if (next === "Require stack:") {
      const first = unprefixed[i + 1]?.trim();
      if (first?.startsWith("- ")) return first.slice(2);
      if (first && !first.startsWith("at ")) return first;
    }
    if (next.startsWith("at ")) {
      if (INTERNAL_FRAME.test(next)) continue;
      const frame = /\(([^()]+?):\d+:\d+\)$|^at ([^\s()]+?):\d+:\d+$/.exec(next);
      if (frame) return frame[1] ?? frame[2]!;
    }
  }
  for (let i = before.length - 1; i >= 0; i--) {
    const previous = before[i]!;
    const webpack = /^(?:ERROR|WARNING) in (\S+)/.exec(previous);
    if (webpack) return webpack[1]!;
    if (/^\s*$/.test(previous)) break;
  }
  return jestFrom ? null : null;
}

const CI_ACTION = /[\\/]_actions[\\/]([^\\/]+[\\/][^\\/]+)/;
const GLOBAL_TOOL =
  /(?:^|[\\/])(?:usr[\\/](?:local[\\/])?lib[\\/]node_modules|nodejs[\\/]node_modules|\.nvm[\\/]versions[\\/]node[\\/][^\\/]+[\\/]lib[\\/]node_modules|__t[\\/]node[\\/][^\\/]+[\\/][^\\/]+[\\/]lib[\\/]node_modules|hostedtoolcache[\\/]node[\\/]|\.npm-global[\\/]|\.npm-packages[\\/]lib[\\/]node_modules|AppData[\\/]Roaming[\\/]npm[\\/]node_modules|\.atom[\\/]packages[\\/])/;
const NODE_MODULES =
  /(?:^|[\\/])node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)|(?:^|[\\/])\.yarn[\\/](?:cache|unplugged)[\\/]/;

const NODE_MODULES_ALL = new RegExp(NODE_MODULES.source, "g");

/** Why a request from `path` is not the project's own dependency, or null when it comes from the project. */
export function foreignRequirerReason(specifier: string, path: string): string | null {
  const action = CI_ACTION.exec(path);
  if (action) {
    return `'${specifier}' is required by the CI action ${action[1]!.replace(/\\/g, "/")} from its own folder (${path}): the action's release is broken, nothing to add to the project`;
  }
  if (GLOBAL_TOOL.test(path)) {
    return `'${specifier}' is required by a globally installed tool (${path}): reinstall or upgrade that tool, nothing to add to the project`;
  }
  // The innermost package: pnpm's `node_modules/.pnpm/x@1/node_modules/x` names x at the end.
  const inside =
    [...path.matchAll(NODE_MODULES_ALL)].filter((m) => !m[1]?.startsWith(".")).at(-1) ??
    NODE_MODULES.exec(path);
  if (inside) {
    const owner = inside[1] ? inside[1].replace(/\\/g, "/") : "an installed package";
    return `'${specifier}' is required from inside node_modules by '${owner}' (${path}): a broken or mismatched release of that package, not a dependency of the project`;
  }
  return null;
}
