import type { SystemFamily } from "../diagnose/finding.js";
import { finalStageChain, type Dockerfile, type DockerStage } from "./dockerfile-syntax.js";

/** What the Dockerfile's final image is based on, and how packages get installed into it. */
export type PackageTool = "apt-get" | "apk" | "dnf" | "microdnf" | "yum";

export interface BaseImage {
  family: SystemFamily;
  tool: PackageTool;
  /** The external image the chain starts from (after stage aliases and ARG defaults). */
  image: string;
  /** Why we think so: the RUN line or the image name that decided it. */
  evidence: string;
}

const TOOL_FAMILY: Record<PackageTool, SystemFamily> = {
  "apt-get": "debian",
  apk: "alpine",
  dnf: "rpm",
  microdnf: "rpm",
  yum: "rpm",
};

const RPM_IMAGE =
  /(^|[/:_.-])(fedora|centos|rhel\d*|ubi\d*|ubi-minimal|ubi\d*-minimal|rockylinux|almalinux|amazonlinux|oraclelinux)([/:_.-]|$)/;

/**
 * Detects the base family of the final stage: first from package managers the stage chain already runs
 * (the file's own evidence), then from the FROM image name. Images that cannot take packages
 * (scratch, distroless) are an error: there is nothing to install into.
 */
export function detectBase(file: Dockerfile): BaseImage {
  const chain = finalStageChain(file);
  if (chain.length === 0) throw new Error("Dockerfile has no FROM instruction");
  const image = chain[chain.length - 1]!.image;
  const lower = image.toLowerCase();
  if (lower === "scratch" || lower.includes("distroless")) {
    throw new Error(`the final stage is based on '${image}', which has no package manager to install into`);
  }
  for (const stage of chain) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== "RUN") continue;
      const used = installCommands(ins.args)[0];
      if (used)
        return {
          family: TOOL_FAMILY[used.tool],
          tool: used.tool,
          image,
          evidence: `RUN ${ins.args.split("\n")[0]}`,
        };
    }
  }
  if (lower.includes("alpine")) return { family: "alpine", tool: "apk", image, evidence: `FROM ${image}` };
  if (RPM_IMAGE.test(lower)) {
    const tool: PackageTool = lower.includes("minimal")
      ? "microdnf"
      : /(centos:7|amazonlinux:2(\.|$)|amazonlinux:2-)/.test(lower)
        ? "yum"
        : "dnf";
    return { family: "rpm", tool, image, evidence: `FROM ${image}` };
  }
  // Official language images (python, node, ruby, golang, ...) and debian/ubuntu are Debian-based.
  return { family: "debian", tool: "apt-get", image, evidence: `FROM ${image}` };
}

/** Words that may precede the command in a shell segment: env assignments, sudo, control keywords. */
const COMMAND_PREFIX = /^(?:[A-Za-z_][A-Za-z0-9_]*=\S*|sudo|env|exec|command|then|else|do|\(|\{|!)$/;

export interface InstallCommand {
  tool: PackageTool;
  packages: string[];
}

/** Package installs in one RUN line: `apt-get install -y a b`, `apk add --no-cache c`, `dnf install d`. */
export function installCommands(run: string): InstallCommand[] {
  const found: InstallCommand[] = [];
  for (const segment of run.split(/&&|\|\||;|\||\n/)) {
    const tokens = segment
      .trim()
      .split(/\s+/)
      .filter((t) => t.length > 0 && t !== "\\");
    // The manager must be the command itself (`echo apt-get install x` installs nothing).
    let at = 0;
    while (at < tokens.length && COMMAND_PREFIX.test(tokens[at]!)) at++;
    if (at >= tokens.length || toolOf(tokens[at]!) === null) continue;
    const tool = toolOf(tokens[at]!)!;
    const rest = tokens.slice(at + 1);
    const verbAt = rest.findIndex((t) => !t.startsWith("-"));
    const verb = rest[verbAt];
    const installs = tool === "apk" ? verb === "add" : verb === "install";
    if (!installs) continue;
    const packages = rest
      .slice(verbAt + 1)
      .filter((t) => !t.startsWith("-") && !t.startsWith("$") && !t.startsWith("/"))
      .map((t) => t.replace(/^["']|["']$/g, "").split(/[=<>:~]/)[0]!)
      .filter((t) => /^[A-Za-z0-9][A-Za-z0-9+._-]*$/.test(t));
    found.push({ tool, packages });
  }
  return found;
}

function toolOf(token: string): PackageTool | null {
  const name = token.split("/").pop() ?? token;
  if (name === "apt-get" || name === "apt") return "apt-get";
  if (name === "apk" || name === "dnf" || name === "microdnf" || name === "yum") return name;
  return null;
}

/** Every system package the final image's stage chain installs. */
export function installedPackages(file: Dockerfile): string[] {
  const out: string[] = [];
  for (const stage of finalStageChain(file)) {
    for (const ins of stage.instructions) {
      if (ins.keyword === "RUN") for (const cmd of installCommands(ins.args)) out.push(...cmd.packages);
    }
  }
  return out;
}

/** The install line for one package, in the style the design asks for. */
export function installLine(tool: PackageTool, pkg: string): string {
  switch (tool) {
    case "apt-get":
      return `apt-get update && apt-get install -y --no-install-recommends ${pkg} && rm -rf /var/lib/apt/lists/*`;
    case "apk":
      return `apk add --no-cache ${pkg}`;
    default:
      return `${tool} install -y ${pkg} && ${tool} clean all`;
  }
}

/** The USER in effect just before instruction `beforeIndex` of `stage` (following FROM aliases), or null. */
export function effectiveUser(file: Dockerfile, stage: DockerStage, beforeIndex: number): string | null {
  const chain = finalStageChain(file);
  const start = chain.indexOf(stage);
  const stages = start === -1 ? [stage] : chain.slice(start);
  for (const [n, s] of stages.entries()) {
    const instructions = n === 0 ? s.instructions.slice(0, beforeIndex) : s.instructions;
    const user = [...instructions].reverse().find((ins) => ins.keyword === "USER");
    if (user) return user.args.trim();
  }
  return null;
}

export function isRoot(user: string | null): boolean {
  if (user === null) return true;
  const name = user.split(":")[0]!.trim();
  return name === "root" || name === "0";
}
