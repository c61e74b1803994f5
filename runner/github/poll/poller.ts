import {
  deploymentPayloadSchema,
  serviceFromTask,
  type DeploymentPayload,
} from "../../../contract/deployment.js";
import type { OrchestratorConfig, ServiceConfig } from "../../../src/config/schema.js";
import { isAppBot, type AppIdentity } from "../../../src/deploy/app-identity.js";
import { deploymentTrustProblem } from "../../../src/deploy/deployment-trust.js";
import type { SigningKey } from "../../../src/deploy/signing.js";
import { redact } from "../../../src/redact/redactor.js";
import { allRuns } from "../../journal/history.js";
import { runDir } from "../../journal/journal-file.js";
import type { RunView } from "../../journal/run-view.js";
import { ownedByOtherLiveProcess } from "../../lock/live-owner.js";
import { runDeploy as realRunDeploy } from "../../pipeline/deploy.js";
import {
  reconcile as realReconcile,
  recoverInterruptedRun as realRecoverRun,
} from "../../pipeline/reconcile.js";
import { reportResult } from "../../pipeline/steps.js";
import type { RunnerTrust } from "../runner-trust.js";
import { githubMeta, readClaim, type GitHubRunMeta } from "./claims.js";
import {
  createStatus,
  latestStatus,
  listDeployments,
  TERMINAL_STATES,
  type DeploymentInfo,
} from "../../../github/deployments.js";
import type { RepoClient } from "../../../github/repo-client.js";
import type { GitHubReporter } from "../report/github-reporter.js";
import { errorMessage } from "../../../github/errors.js";
import type { RunnerLog } from "../log.js";
import { planDeployments, type Candidate } from "./deploy-plan.js";
import { publicEnvironmentUrl } from "../report/deploy-comment.js";
import { resolveService } from "../../../src/config/service.js";

export interface PollerOptions {
  gh: RepoClient & { token(): Promise<string> };
  reporter: GitHubReporter;
  stateDir: string;
  workspace: string;
  /** Where the workspace fetches deployment SHAs from (token in a header). */
  gitRemote: string;
  /**
   * Read on every pass, so a config change merged to the default branch takes effect without a
   * restart (`start` reads it from the default branch, not from the checkout).
   */
  loadConfig: () => OrchestratorConfig | Promise<OrchestratorConfig>;
  /** RUNNER_ENVIRONMENT; null: every environment of the config's services. */
  environments: string[] | null;
  env: NodeJS.ProcessEnv;
  log: RunnerLog;
  /** The App's bot and the signing key: only its own signed deployments run. */
  trust: RunnerTrust;
  runDeploy?: typeof realRunDeploy;
  reconcile?: typeof realReconcile;
  /** Finishes a run whose runDeploy threw partway (default: recoverInterruptedRun). */
  recoverRun?: typeof realRecoverRun;
}

export interface PassSummary {
  notModified: string[];
  deployed: number[];
  superseded: number[];
  rejected: number[];
  reported: string[];
}

export interface Poller {
  /** One poll of every environment: reconcile (first time), retry unreported results, then deploy. */
  pass(): Promise<PassSummary>;
  /** Ask the poller to stop starting deployments; the one running finishes. */
  stop(): void;
  readonly stopping: boolean;
}

/**
 * The GitHub side of `start`. GitHub is the queue: each pass lists the deployments of the runner's
 * environments (ETag: a 304 means nothing to do), decides with planDeployments, and runs the chosen
 * ones one at a time through the local pipeline with the GitHub reporter.
 */
export function createPoller(options: PollerOptions): Poller {
  const { gh, reporter, stateDir, log } = options;
  const runDeploy = options.runDeploy ?? realRunDeploy;
  const reconcile = options.reconcile ?? realReconcile;
  const recoverRun = options.recoverRun ?? realRecoverRun;
  const etags = new Map<string, string>();
  // Deployments whose latest status is terminal never need another look (inactive stays terminal).
  const settled = new Set<number>();
  let needsReconcile = true;
  let stopping = false;

  async function reconcileOnce(summary: PassSummary): Promise<void> {
    if (!needsReconcile) return;
    const outcomes = await reconcile({ stateDir, reporter, env: options.env });
    for (const outcome of outcomes) {
      if (outcome.skipped) log.info({ runId: outcome.runId }, `reconcile skipped: ${outcome.skipped}`);
      else {
        log.info(
          { runId: outcome.runId, action: outcome.action, status: outcome.result?.status },
          "reconciled a run left by a previous runner",
        );
        summary.reported.push(outcome.runId);
      }
    }
    needsReconcile = false;
  }

  /** Finished runs whose report did not reach GitHub (it was down): report them now, once. */
  async function retryUnreported(summary: PassSummary): Promise<void> {
    for (const view of allRuns(stateDir)) {
      if (!view.result || view.reported || !githubMeta(view.start?.meta) || ownedByLiveRunner(view)) continue;
      log.info({ runId: view.runId }, "reporting a finished run whose report did not reach GitHub");
      await reportResult(runDir(stateDir, view.runId), view.result, reporter);
      summary.reported.push(view.runId);
    }
  }

  async function pass(): Promise<PassSummary> {
    const summary: PassSummary = {
      notModified: [],
      deployed: [],
      superseded: [],
      rejected: [],
      reported: [],
    };
    await reconcileOnce(summary);
    await retryUnreported(summary);
    const config = await options.loadConfig();
    const environments = options.environments ?? [
      ...new Set(Object.values(config.services).map((s) => s.environment)),
    ];
    for (const environment of environments) {
      if (stopping) break;
      const page = await listDeployments(gh, environment, etags.get(environment) ?? null);
      if (page.notModified) {
        summary.notModified.push(environment);
        continue;
      }
      // Forget the ETag until the pass over this list completes, so a failure mid-way is retried.
      etags.delete(environment);
      const complete = await handleEnvironment(environment, page.deployments, config, summary);
      if (complete && page.etag) etags.set(environment, page.etag);
    }
    return summary;
  }

  async function handleEnvironment(
    environment: string,
    deployments: DeploymentInfo[],
    config: OrchestratorConfig,
    summary: PassSummary,
  ): Promise<boolean> {
    const ours = new Map<
      number,
      {
        deployment: DeploymentInfo;
        service: string;
        serviceConfig: ServiceConfig;
        payload: DeploymentPayload;
      }
    >();
    const candidates: Candidate[] = [];
    const journal = allRuns(stateDir);
    let identity: AppIdentity | null = null;
    for (const deployment of deployments) {
      const taskService = serviceFromTask(deployment.task);
      if (!taskService || settled.has(deployment.id)) continue;
      identity ??= await options.trust.identity();
      const bot = identity;
      const status = await latestStatus(gh, deployment.id, (creator) => isAppBot(creator, bot));
      if (status && TERMINAL_STATES.has(status.state)) {
        settled.add(deployment.id);
        continue;
      }
      // The journal owns a deployment from the moment its run starts (reconcile / report retry finish it).
      if (journal.some((run) => githubMeta(run.start?.meta)?.deploymentId === deployment.id)) continue;
      const problem = checkDeployment(deployment, taskService, environment, config, {
        key: options.trust.key,
        identity,
        repo: `${gh.owner}/${gh.repo}`,
      });
      if (typeof problem === "string") {
        log.warn({ deploymentId: deployment.id }, `rejecting deployment: ${problem}`);
        await createStatus(gh, deployment.id, { state: "error", description: problem });
        settled.add(deployment.id);
        summary.rejected.push(deployment.id);
        continue;
      }
      const claimedHere = readClaim(stateDir, deployment.id) !== null;
      if (status?.state === "in_progress" && !claimedHere) {
        candidates.push({
          id: deployment.id,
          service: taskService,
          createdAt: deployment.createdAt,
          state: "claimed-elsewhere",
        });
        continue;
      }
      ours.set(deployment.id, { deployment, service: taskService, ...problem });
      candidates.push({
        id: deployment.id,
        service: taskService,
        createdAt: deployment.createdAt,
        state: "pending",
      });
    }

    const plan = planDeployments(candidates);
    for (const wait of plan.wait) log.info({ deploymentId: wait.id }, wait.reason);
    // A wait ends with a status change elsewhere, which need not change this list's ETag: look again.
    const complete = plan.wait.length === 0;
    for (const { id, by } of plan.supersede) {
      const item = ours.get(id)!;
      await reporter.supersede(metaFor(item.deployment, item.payload, item.serviceConfig), item.service, by);
      log.info({ deploymentId: id, by }, `deployment #${id} superseded by #${by}`);
      settled.add(id);
      summary.superseded.push(id);
    }
    for (const id of plan.deploy) {
      if (stopping) return false;
      const item = ours.get(id)!;
      await deployOne(item.deployment, item.service, item.serviceConfig, item.payload);
      summary.deployed.push(id);
    }
    return complete;
  }

  async function deployOne(
    deployment: DeploymentInfo,
    service: string,
    serviceConfig: ServiceConfig,
    payload: DeploymentPayload,
  ): Promise<void> {
    const meta = metaFor(deployment, payload, serviceConfig);
    log.info(
      { deploymentId: deployment.id, service, sha: deployment.sha },
      `claiming deployment #${deployment.id} of ${service}`,
    );
    await reporter.claim(meta, service);
    try {
      const result = await runDeploy(
        {
          service,
          serviceConfig,
          ref: deployment.sha,
          workspace: options.workspace,
          stateDir,
          env: options.env,
          fetch: { remote: options.gitRemote, token: await gh.token() },
          meta: { github: meta },
        },
        { reporter },
      );
      log.info(
        { deploymentId: deployment.id, service, status: result.status, runId: result.runId },
        `deployment #${deployment.id}: ${result.status}`,
      );
    } catch (error) {
      const run = allRuns(stateDir).find((r) => githubMeta(r.start?.meta)?.deploymentId === deployment.id);
      if (run?.result) {
        // The deploy finished on the host; only its report failed. The journal keeps it for the next pass.
        log.warn(
          { deploymentId: deployment.id, runId: run.runId, err: redact(errorMessage(error)) },
          "deploy finished but its report did not reach GitHub; will retry",
        );
        throw error;
      }
      if (run) {
        // The deploy threw partway and could not finish its run itself. Finish it now (roll back if
        // the service was touched, else mark it failed) and report it once, instead of leaving it
        // unfinished until a restart; if even that fails, reconcile takes it on the next pass.
        const err = redact(errorMessage(error));
        log.error({ deploymentId: deployment.id, runId: run.runId, err }, "the deploy stopped with an error");
        try {
          const result = await recoverRun({ stateDir, reporter, env: options.env, runId: run.runId, error });
          log.warn(
            { deploymentId: deployment.id, runId: run.runId, status: result?.status },
            "finished the interrupted run",
          );
          return;
        } catch (recoveryError) {
          log.error(
            { deploymentId: deployment.id, runId: run.runId, err: redact(errorMessage(recoveryError)) },
            "could not finish the interrupted run; the next pass reconciles it",
          );
          needsReconcile = true;
          throw error;
        }
      }
      const reason = redact(errorMessage(error));
      log.error({ deploymentId: deployment.id, err: reason }, "the deploy could not start");
      await reporter.startFailed(meta, service, reason);
    }
  }

  return {
    pass,
    stop() {
      stopping = true;
    },
    get stopping() {
      return stopping;
    },
  };
}

/**
 * Why a deployment cannot be run (a string, which becomes its `error` status), or what running it
 * needs. The approval gate is enforced here, next to the Docker socket: a deployment runs only when the
 * App's bot created it and its payload carries the app's signature for this repository, environment
 * and commit (deployment-trust.ts), whatever the payload says otherwise.
 */
export function checkDeployment(
  deployment: DeploymentInfo,
  taskService: string,
  environment: string,
  config: OrchestratorConfig,
  trust: { key: SigningKey; identity: AppIdentity; repo: string },
): string | { serviceConfig: ServiceConfig; payload: DeploymentPayload } {
  if (deployment.creator?.login?.toLowerCase() !== trust.identity.botLogin.toLowerCase())
    return `refused: created by ${deployment.creator ? `@${deployment.creator.login}` : "an unknown account"}, not by the app (${trust.identity.botLogin})`;
  let raw = deployment.payload;
  if (typeof raw === "string") {
    try {
      raw = raw ? JSON.parse(raw) : {};
    } catch {
      return "payload is not JSON";
    }
  }
  const parsed = deploymentPayloadSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") || "(root)";
    if ((path === "sig" || path === "signed_at") && raw && typeof raw === "object" && !(path in raw))
      return "refused: the payload is not signed by the app (no sig)";
    return `payload invalid at ${path}: ${issue?.message ?? "invalid"}`;
  }
  if (parsed.data.service !== taskService)
    return `payload service '${parsed.data.service}' does not match task deploy:${taskService}`;
  const serviceConfig = resolveService(config, taskService)?.config;
  if (!serviceConfig)
    return `unknown service '${taskService}'; configured: ${Object.keys(config.services).join(", ")}`;
  if (serviceConfig.environment !== environment)
    return `service ${taskService} deploys to '${serviceConfig.environment}', not '${environment}'`;
  if (!/^[0-9a-f]{40}$/i.test(deployment.sha))
    return `deployment sha '${deployment.sha}' is not a commit SHA`;
  const untrusted = deploymentTrustProblem(
    {
      repo: trust.repo,
      environment: deployment.environment,
      sha: deployment.sha,
      createdAt: deployment.createdAt,
      creator: deployment.creator,
      payload: parsed.data,
    },
    trust.key,
    trust.identity,
  );
  if (untrusted) return `refused: ${untrusted}`;
  return { serviceConfig, payload: parsed.data };
}

function metaFor(
  deployment: DeploymentInfo,
  payload: DeploymentPayload,
  serviceConfig: ServiceConfig,
): GitHubRunMeta {
  return {
    deploymentId: deployment.id,
    environment: deployment.environment,
    sha: deployment.sha,
    pr: payload.pr,
    environmentUrl: publicEnvironmentUrl(serviceConfig.health?.url),
  };
}

/** A run of another runner process on this host that is still alive is that process's to report. */
function ownedByLiveRunner(view: RunView): boolean {
  const start = view.start;
  return !!start && ownedByOtherLiveProcess(start);
}
