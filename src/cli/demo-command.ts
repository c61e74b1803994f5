import { copyFile, mkdir, mkdtemp, readdir, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { normalizeProjectName } from "../../runner/compose/argv.js";
import { redact } from "../redact/redactor.js";
import { askYesNo } from "./demo/ask.js";
import { removeDemoStack } from "./demo/cleanup.js";
import { cleanUpAfterInterrupt, EXIT_ON_SIGNAL, type DemoFootprint } from "./demo/interrupt.js";
import { deployAndExpect, httpGet } from "./demo/deploy-step.js";
import { BASE_IMAGE, baseImageContext, createShopRepo, exampleDir, SERVICE } from "./demo/example-stack.js";
import { commitFix, diagnoseBuild, type ProposedFix } from "./demo/local-fix.js";
import { dockerReadiness, type DockerReadiness } from "./demo/preflight.js";
import { freePort, isPortFree } from "./demo/ports.js";
import { DemoSteps, renderStepTable } from "./demo/steps.js";
import { run } from "../../runner/process/run.js";
import { formatMs } from "../../runner/cli/render.js";
import { UsageError, type CliIo } from "./io.js";

export const DEMO_USAGE = `usage: orchestrator demo [--yes] [--no-docker] [--keep] [--dir DIR] [--project NAME] [--port N]
                         [--busybox PATH]

Runs the whole loop on the bundled example stack (examples/shop), locally, with no GitHub: copies it
into a temporary git repository, deploys it (the build fails: a C header is missing), diagnoses the
build log, commits the fix on the branch a fix PR would use and shows its diff, merges it, deploys it
(build, start, verify), then deploys a change that breaks /health and shows the rollback and its
evidence. Ends with a summary of every step, its timing and where the artifacts are.

  --yes, -y        merge the fix without asking (needed when stdin is not a terminal)
  --no-docker      only diagnose and fix (the captured build log of examples/shop stands in)
  --keep           leave the stack running at the end (default: remove its containers and images)
  --dir DIR        where to create the repository and the state (default: a new temporary folder)
  --project NAME   compose project name (default: COMPOSE_PROJECT_NAME, else orchestrator-demo-<pid>)
  --port N         host port of the shop on 127.0.0.1 (default: 18080, or a free one when taken)
  --busybox PATH   static busybox for the offline base image (default: /usr/bin/busybox, /bin/busybox)

Without Docker (or with --no-docker) the deploy steps are skipped and the reason is printed.
Ctrl-C (SIGINT) or SIGTERM stops it cleanly: the running compose/docker commands are stopped, the
compose project (containers, networks, built images) and the temporary folder (not a --dir folder)
are removed, and it says what it removed.
Exit codes: 0 every step did what it says, 1 a step did not, 2 bad usage, 130 interrupted (SIGINT),
143 stopped by SIGTERM.
`;

interface DemoOptions {
  yes: boolean;
  noDocker: boolean;
  keep: boolean;
  dir?: string;
  project?: string;
  port?: string;
  busybox?: string;
}

export interface DemoDeps {
  /** Whether stdin is a terminal the merge question can be asked on (default: process.stdin.isTTY). */
  interactive?: boolean;
  ask?: (question: string) => Promise<boolean>;
  /** Where live progress goes (default: io.stdout, redrawn in place when it is a TTY). */
  progress?: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

function parse(argv: string[]): DemoOptions & { help: boolean } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        yes: { type: "boolean", short: "y", default: false },
        "no-docker": { type: "boolean", default: false },
        keep: { type: "boolean", default: false },
        dir: { type: "string" },
        project: { type: "string" },
        port: { type: "string" },
        busybox: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    return {
      yes: values.yes!,
      noDocker: values["no-docker"]!,
      keep: values.keep!,
      dir: values.dir,
      project: values.project,
      port: values.port,
      busybox: values.busybox,
      help: values.help!,
    };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${DEMO_USAGE}`);
  }
}

async function choosePort(raw: string | undefined): Promise<number> {
  if (raw !== undefined) {
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port < 1 || port > 65535)
      throw new UsageError(`--port must be a TCP port (1-65535), got '${raw}'`);
    if (!(await isPortFree(port)))
      throw new UsageError(`--port ${port}: 127.0.0.1:${port} is already in use`);
    return port;
  }
  return (await isPortFree(18080)) ? 18080 : freePort();
}

async function chooseRoot(raw: string | undefined): Promise<string> {
  if (raw === undefined) return mkdtemp(join(tmpdir(), "orchestrator-demo-"));
  const dir = resolve(raw);
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      throw new UsageError(`--dir ${dir}: ${(error as Error).message}`);
  }
  if (entries.length > 0) throw new UsageError(`--dir ${dir} is not empty; pass a new or empty folder`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** `orchestrator demo`: see DEMO_USAGE. */
export async function demoCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
  deps: DemoDeps = {},
): Promise<number> {
  const options = parse(argv);
  if (options.help) {
    io.stdout.write(DEMO_USAGE);
    return 0;
  }
  const interactive = deps.interactive ?? Boolean(process.stdin.isTTY);
  if (!options.yes && !interactive)
    throw new UsageError("the demo merges a branch: pass --yes when stdin is not a terminal");
  let project: string;
  try {
    project = normalizeProjectName(
      options.project ?? (env.COMPOSE_PROJECT_NAME?.trim() || `orchestrator-demo-${process.pid}`),
    );
  } catch (error) {
    throw new UsageError(`--project: ${(error as Error).message}`);
  }
  const port = await choosePort(options.port);
  const root = await chooseRoot(options.dir);
  // After Ctrl-C only the clean-up speaks: the steps still unwinding print nothing.
  let interrupted = false;
  const out = (text: string) => void (interrupted || io.stdout.write(redact(text)));
  const began = Date.now();

  const example = exampleDir();
  const workspace = join(root, "shop");
  const stateDir = join(root, "state");
  const demoDir = join(root, "demo");
  await mkdir(demoDir, { recursive: true });
  const runEnv: NodeJS.ProcessEnv = { ...env, COMPOSE_PROJECT_NAME: project, RUNNER_STATE_DIR: stateDir };
  const footprint: DemoFootprint = {
    root,
    ownsRoot: options.dir === undefined,
    workspace,
    project,
    env: runEnv,
    flavor: null,
  };
  const onSignal = (signal: "SIGINT" | "SIGTERM") => {
    if (interrupted) {
      io.stdout.write(`\n${signal} again: still cleaning up, one moment\n`);
      return;
    }
    interrupted = true;
    const say = (text: string) => void io.stdout.write(redact(text));
    say(`\n\ninterrupted (${signal}): stopping the demo and removing what it made\n`);
    void cleanUpAfterInterrupt(footprint, say).then(
      (problems) => {
        for (const problem of problems) say(`  NOT cleaned: ${problem}\n`);
        say(problems.length === 0 ? "  nothing of the demo is left running\n" : "");
        process.exit(EXIT_ON_SIGNAL[signal]);
      },
      (error: unknown) => {
        say(`  clean-up failed: ${(error as Error).message}\n`);
        process.exit(EXIT_ON_SIGNAL[signal]);
      },
    );
  };
  const onInt = () => onSignal("SIGINT");
  const onTerm = () => onSignal("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    return await runDemo();
  } finally {
    process.removeListener("SIGINT", onInt);
    process.removeListener("SIGTERM", onTerm);
  }

  async function runDemo(): Promise<number> {
    out(
      `orchestrator demo: the whole loop on ${example}, on this machine, without GitHub\n` +
        `  repository  ${workspace} (git, branch main)\n` +
        `  state       ${stateDir} (the runner's journal and artifacts)\n` +
        `  demo files  ${demoDir} (the fix PR's text, logs)\n` +
        `  compose     project ${project}, shop on http://127.0.0.1:${port}\n`,
    );

    const readiness: DockerReadiness = options.noDocker
      ? { ok: false, reason: "--no-docker was given" }
      : await dockerReadiness(env, options.busybox);
    if (!readiness.ok) out(`  docker      not used: ${readiness.reason}\n`);
    else footprint.flavor = readiness.flavor;
    if (readiness.ok)
      out(`  docker      ${readiness.endpoint}, compose ${readiness.flavor}, busybox ${readiness.busybox}\n`);

    const steps = new DemoSteps(out, readiness.ok ? 9 : 5);
    const target = deps.progress ?? (io.stdout as DemoDeps["progress"]) ?? { write: () => undefined };
    const progress = {
      write: (text: string) => (interrupted ? undefined : target.write(text)),
      isTTY: target.isTTY,
      columns: target.columns,
    };
    const repo = await createShopRepo(example, workspace, { port, project });
    const failingLog = join(demoDir, "failing-build.log");
    let fix: ProposedFix | null = null;
    let mergeSha: string | null = null;
    const artifacts: string[] = [];
    let declined = false;

    await steps.run("copy examples/shop into a new git repository", async () => ({
      ok: true,
      detail: `main at ${repo.initialSha.slice(0, 12)} ("shop v1")`,
    }));

    if (readiness.ok) {
      await steps.run(`build the offline base image ${BASE_IMAGE}`, async () => {
        const context = join(demoDir, "base-image");
        await baseImageContext(example, context, readiness.busybox);
        const log = join(demoDir, "base-image.log");
        const built = await run(["docker", "build", "-q", "--force-rm", "-t", BASE_IMAGE, context], {
          env,
          logFile: log,
        });
        return built.exitCode === 0
          ? {
              ok: true,
              detail: `${BASE_IMAGE} (${built.stdout.trim().slice(7, 19)}); stands in for Alpine, see examples/shop/README.md`,
            }
          : { ok: false, detail: `docker build exited ${built.exitCode}; see ${log}` };
      });
      await steps.run("deploy main as it is (expected: the build fails, nothing is started)", async () => {
        const result = await deployAndExpect(
          { repo, stateDir, env: runEnv, project, ref: "main", progress },
          "failed",
        );
        if (!result.ok) return result;
        const build = result.result.steps.find((s) => s.step === "build");
        if (!build || build.ok)
          return { ok: false, detail: `the run failed, but not at the build: ${result.result.reason}` };
        // Kept beside the PR text too (the run's own copy stays in its artifacts).
        await copyFile(join(result.result.artifactsDir, "build.log"), failingLog);
        artifacts.push(result.result.artifactsDir);
        return {
          ok: true,
          detail: `the build failed and the running container was not touched; log ${failingLog}`,
        };
      });
    } else {
      await copyFile(join(example, "build.log"), failingLog);
    }

    let diagnosed: Awaited<ReturnType<typeof diagnoseBuild>> | null = null;
    await steps.run("diagnose the failing build log", async () => {
      diagnosed = await diagnoseBuild(workspace, repo.git, failingLog);
      if (!diagnosed.ok) return { ok: false, detail: diagnosed.reason };
      const evidence =
        diagnosed.finding.evidence.length > 0 ? diagnosed.finding.evidence : diagnosed.diagnosis.evidence;
      out(`  evidence:\n${evidence.map((l) => `    ${l}\n`).join("")}`);
      return {
        ok: diagnosed.finding.package.length > 0,
        detail: `${diagnosed.diagnosis.reason}${readiness.ok ? "" : " (from the captured log examples/shop/build.log)"}`,
      };
    });

    await steps.run("write the fix on a branch, as the fix PR would", async () => {
      const d = diagnosed!;
      if (!d.ok) return { ok: false, detail: d.reason };
      const committed = await commitFix({
        workspace,
        git: repo.git,
        service: SERVICE,
        base: "main",
        diagnosis: d.diagnosis,
        finding: d.finding,
        logLabel: readiness.ok
          ? "local deploy of main (build step)"
          : "captured build log examples/shop/build.log",
      });
      if (!committed.ok) return { ok: false, detail: committed.reason };
      fix = committed.fix;
      const bodyPath = join(demoDir, "pull-request.md");
      await writeFile(bodyPath, `# ${fix.title}\n\n${fix.body}\n`);
      out(
        `  pull request: ${fix.title}\n  branch ${fix.story.branch} -> main (${fix.commitSha.slice(0, 12)})\n` +
          `  ${fix.story.summary.split("\n")[0]}\n  full PR text: ${bodyPath}\n\n${indent(fix.story.diff, "    ")}`,
      );
      return {
        ok: true,
        detail: `committed on ${fix.story.branch}; the policy allows it (service folder, Dockerfile)`,
      };
    });

    await steps.run("merge the fix PR", async () => {
      const f = fix as ProposedFix | null;
      if (!f) return { ok: false, detail: "no fix to merge" };
      if (!options.yes) {
        const ask = deps.ask ?? askYesNo;
        if (!(await ask(`  merge ${f.story.branch} into main? [y/N] `))) {
          declined = true;
          return { ok: true, detail: "not merged: you declined; the branch stays for you to look at" };
        }
      }
      await repo.git("merge", "-q", "--no-ff", "-m", `Merge ${f.story.branch}: ${f.title}`, f.story.branch);
      mergeSha = await repo.git("rev-parse", "HEAD");
      return { ok: true, detail: `main at ${mergeSha.slice(0, 12)}` };
    });

    if (!readiness.ok) {
      const why = `Docker is not usable: ${readiness.reason}`;
      steps.skip("deploy the fix and the broken /health change", why);
    } else if (declined) {
      steps.skip("deploy the merged fix", "the merge was declined");
      steps.skip("deploy a change that breaks /health", "the merge was declined");
    } else {
      await steps.run("deploy the merged fix (build, start, verify)", async () => {
        const result = await deployAndExpect(
          { repo, stateDir, env: runEnv, project, ref: "main", progress },
          "success",
        );
        if (!result.ok) return result;
        artifacts.push(result.result.artifactsDir);
        const version = await httpGet(`http://127.0.0.1:${port}/version`);
        if (version !== "shop v1")
          return { ok: false, detail: `deployed, but /version answers ${JSON.stringify(version)}` };
        return { ok: true, detail: `${result.result.reason}; /version says "${version}"` };
      });
      await steps.run("deploy a change that breaks /health (expected: rolled back)", async () => {
        const www = join(workspace, "services/shop/www");
        await rename(join(www, "health"), join(www, "healthz"));
        await writeFile(join(www, "version"), "shop v2\n");
        await repo.git("add", "-A");
        await repo.git("commit", "-q", "-m", "shop v2: the health page moves to /healthz");
        const result = await deployAndExpect(
          { repo, stateDir, env: runEnv, project, ref: "main", progress },
          "rolled_back",
        );
        if (!result.ok) return result;
        const r = result.result;
        artifacts.push(r.artifactsDir);
        const probes = r.verify?.probes.filter((p) => !p.ok).slice(-3) ?? [];
        out(
          `  evidence:\n    why: ${r.reason}\n` +
            probes.map((p) => `    probe ${p.kind} at ${p.at}: ${p.detail}\n`).join("") +
            `    after rollback: ${r.rollbackVerify?.ok ? "verified" : "NOT verified"} (${r.rollbackVerify?.reason ?? "no verification"})\n` +
            `    verify.log, rollback.log, summary.json in ${r.artifactsDir}\n`,
        );
        const version = await httpGet(`http://127.0.0.1:${port}/version`);
        if (!r.rollbackVerify?.ok || version !== "shop v1")
          return {
            ok: false,
            detail: `rolled back, but the old version is not what answers (/version: ${JSON.stringify(version)})`,
          };
        return {
          ok: true,
          detail: `verification failed and the previous image serves again: /version says "${version}"`,
        };
      });
      if (options.keep)
        steps.skip(
          "remove the demo's containers and images",
          `--keep: the shop stays up on http://127.0.0.1:${port}`,
        );
      else
        await steps.run(
          "remove the demo's containers and images",
          async () => {
            const problems = await removeDemoStack({
              workspace,
              project,
              flavor: readiness.flavor,
              env: runEnv,
            });
            return problems.length === 0
              ? { ok: true, detail: `project ${project} is down; ${BASE_IMAGE} is kept for the next demo` }
              : { ok: false, detail: problems.join("; ") };
          },
          { always: true },
        );
    }

    const ok = steps.ok;
    out(
      `\nsummary: ${ok ? "every step did what it says" : "a step did NOT do what it says"} (${formatMs(Date.now() - began)})\n` +
        `${renderStepTable(steps.results)}\n` +
        `  repository   ${workspace} (git log --oneline --graph --all)\n` +
        `  fix PR text  ${join(demoDir, "pull-request.md")}\n` +
        (artifacts.length > 0 ? `  run artifacts\n${artifacts.map((a) => `    ${a}\n`).join("")}` : "") +
        (readiness.ok
          ? `  runner view  RUNNER_STATE_DIR=${stateDir} orchestrator-runner runs\n`
          : `  skipped      deploy, verify and rollback: ${readiness.reason}\n`),
    );
    return ok ? 0 : 1;
  }
}

function indent(text: string, prefix: string): string {
  return text.replace(/^(?=.)/gm, prefix).replace(/\n?$/, "\n");
}
