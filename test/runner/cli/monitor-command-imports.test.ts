/**
 * What the built `monitor` command loads: a real `node` process imports dist/ with a module resolve
 * hook that records every module it loads (ESM and CommonJS alike), so the monitor's memory target is
 * not undone by an import of dockerode, git or the deploy pipeline slipping back into its graph.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDist, ROOT } from "../../cli/build-dist.js";

const HOOK = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}
`;

// Imports the given module with the hook registered; prints every resolved URL as JSON. The last
// import is a marker: its URL arriving means every earlier one has (one port, in order).
const LOADER = `
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";
const [hook, target] = process.argv.slice(1);
const { port1, port2 } = new MessageChannel();
const urls = [];
const marker = "data:text/javascript,export default 1";
const done = new Promise((resolve) => port1.on("message", (url) => { urls.push(url); if (url === marker) resolve(); }));
register(hook, { data: { port: port2 }, transferList: [port2] });
await import(target);
await import(marker);
await done;
port1.close();
console.log(JSON.stringify(urls));
`;

let dir: string;

function loadedBy(module: string): string[] {
  const out = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      LOADER,
      pathToFileURL(join(dir, "hook.mjs")).href,
      pathToFileURL(join(ROOT, module)).href,
    ],
    { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
  );
  return JSON.parse(out) as string[];
}

const packageOf = (url: string) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];

describe("the built monitor command's imports", () => {
  beforeAll(async () => {
    await buildDist();
    dir = mkdtempSync(join(tmpdir(), "monitor-imports-"));
    writeFileSync(join(dir, "hook.mjs"), HOOK);
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("monitor-command.js loads neither dockerode, simple-git nor the deploy pipeline", () => {
    const urls = loadedBy("dist/runner/cli/monitor-command.js");
    // The hook sees the monitor's own modules (so an empty list cannot pass for a clean one).
    expect(urls.some((u) => u.endsWith("/dist/runner/monitor/engine-api.js"))).toBe(true);
    expect(urls.some((u) => u.endsWith("/dist/runner/monitor/monitor-docker.js"))).toBe(true);
    const packages = new Set(urls.map(packageOf).filter(Boolean));
    expect(packages.has("yaml")).toBe(true);
    for (const heavy of ["dockerode", "docker-modem", "ssh2", "simple-git", "probot"])
      expect(packages.has(heavy), `${heavy} is loaded`).toBe(false);
    expect(urls.filter((u) => /\/dist\/runner\/(pipeline|strategy|compose\/(?!argv))/.test(u))).toEqual([]);
    expect(urls.filter((u) => /\/dist\/runner\/docker\/docker-ops\.js$/.test(u))).toEqual([]);
  });

  it("the CLI entry loads no command until it runs (the hook does see dockerode where it is used)", () => {
    const main = new Set(loadedBy("dist/runner/cli/main.js").map(packageOf).filter(Boolean));
    expect(main.has("dockerode")).toBe(false);
    expect(main.has("simple-git")).toBe(false);
    const deploy = new Set(loadedBy("dist/runner/cli/deploy-command.js").map(packageOf).filter(Boolean));
    expect(deploy.has("dockerode")).toBe(true);
  });
});
