import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gitIn, type Git } from "./git.js";

/** The bundled example's port and label, replaced in the copy so that demos can run side by side. */
export const EXAMPLE_PORT = "18080";
export const EXAMPLE_LABEL = 'orchestrator.demo="shop"';
export const BASE_IMAGE = "orchestrator-demo/shop-base:1";
export const SERVICE = "shop";
/** Not part of the shop's repository: the offline base image's build context and the captured log. */
const OUTSIDE_REPO = new Set(["base-image", "build.log"]);

/** examples/shop of this package, found upwards from this file (src/ under tsx, dist/src/ when built). */
export function exampleDir(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, "examples", "shop");
    if (existsSync(join(candidate, "docker-compose.yml"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`examples/shop not found above ${from}: is the package complete?`);
    dir = parent;
  }
}

export interface ShopRepo {
  workspace: string;
  git: Git;
  /** The SHA of the first commit on main. */
  initialSha: string;
}

/** Copies the example into `workspace` as a one-commit git repository on `main`. */
export async function createShopRepo(
  example: string,
  workspace: string,
  opts: { port: number; project: string },
): Promise<ShopRepo> {
  await mkdir(workspace, { recursive: true });
  await cp(example, workspace, {
    recursive: true,
    filter: (source) =>
      !OUTSIDE_REPO.has(
        source
          .slice(example.length)
          .replace(/^[\\/]/, "")
          .split(/[\\/]/)[0]!,
      ),
  });
  await replaceIn(
    join(workspace, "docker-compose.yml"),
    `127.0.0.1:${EXAMPLE_PORT}:`,
    `127.0.0.1:${opts.port}:`,
  );
  await replaceIn(
    join(workspace, ".github/orchestrator.yml"),
    `127.0.0.1:${EXAMPLE_PORT}/`,
    `127.0.0.1:${opts.port}/`,
  );
  await replaceIn(
    join(workspace, "services/shop/Dockerfile"),
    EXAMPLE_LABEL,
    `orchestrator.demo="${opts.project}"`,
  );
  const git = gitIn(workspace);
  await git("init", "-q", "-b", "main");
  await git("add", "-A");
  await git("commit", "-q", "-m", "shop v1");
  return { workspace, git, initialSha: await git("rev-parse", "HEAD") };
}

async function replaceIn(path: string, from: string, to: string): Promise<void> {
  const text = await readFile(path, "utf8");
  if (!text.includes(from)) throw new Error(`${path} no longer contains '${from}': the example changed`);
  await writeFile(path, text.replaceAll(from, to));
}

/** The build context of the offline base image: the example's base-image folder plus a static busybox. */
export async function baseImageContext(example: string, dir: string, busybox: string): Promise<void> {
  await cp(join(example, "base-image"), dir, { recursive: true });
  await cp(busybox, join(dir, "busybox"));
}
