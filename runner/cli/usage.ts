/** The runner CLI's help texts: the program's, and one per subcommand (`<command> --help`). */

const COMMON_ENV = `environment:
  RUNNER_WORKSPACE      the compose project's git checkout (default: the current folder)
  RUNNER_STATE_DIR      journal, locks and artifacts (default: ./.state in the current folder)
  COMPOSE_PROJECT_NAME  compose project (default: the workspace folder's name, as Compose names it)
  COMPOSE_FILE          compose files, separated by COMPOSE_PATH_SEPARATOR (default ':')
  DOCKER_HOST           the Docker engine (default: /var/run/docker.sock)
  RUNNER_COMPOSE        v1 (docker-compose) or v2 (docker compose); default: probe for the v2 plugin
  RUNNER_ENGINE         compose or swarm, for services without their own engine: (default: compose)
  RUNNER_SWARM_REGISTRY registry swarm images are pushed to, when a service names none (default: none)
`;

export const RUNNER_USAGE = `usage: orchestrator-runner <command> [options]
       orchestrator-runner <command> --help | --version

commands:
  start                                   poll GitHub deployments and run them (GitHub side)
  deploy <service> [--workspace DIR] [--ref REF] [--project NAME] [--file F]...
                                          build, restart, verify and (on failure) roll back one service
                                          locally; exit 0 deployed, 3 rolled back, 4 rollback failed, 1 failed
  status [--json]                         per service the live version and the last failed attempt,
                                          held locks, runs needing reconcile
  runs [--service S] [--limit N] [--json] the run journal, newest first
  reconcile                               finish and report runs a killed runner left behind
  monitor [--workspace DIR] [--project NAME]
                                          the health monitor and the status API alone (no GitHub, no
                                          dispatches), until SIGTERM/SIGINT

environment:
  all commands  RUNNER_WORKSPACE, RUNNER_STATE_DIR (default ./.state), COMPOSE_PROJECT_NAME, COMPOSE_FILE,
                DOCKER_HOST, RUNNER_COMPOSE=v1|v2 (skip the plugin probe), LOG_LEVEL
  start, monitor  RUNNER_STATUS_PORT (loopback status API and /metrics), STATSD_HOST, STATSD_PORT,
                STATSD_PREFIX (default orchestrator)
  start         APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, RUNNER_REPO (owner/name), RUNNER_ENVIRONMENT,
                RUNNER_POLL_INTERVAL, RUNNER_STATUS_PORT, RUNNER_DISPATCH_RUNTIME_FAILURES, GHE_HOST,
                ORCHESTRATOR_SIGNING_KEY (only if the app sets it too; default: derived from the private key)
exit codes: 0 ok, 1 failed or refused, 2 usage, 3 rolled back, 4 rollback failed
'orchestrator-runner <command> --help' shows one command's options.
`;

export const COMMAND_USAGE: Record<string, string> = {
  start: `usage: orchestrator-runner start [--workspace DIR] [--once]

Authenticates as the GitHub App's installation on RUNNER_REPO, finishes what a previous runner left
(reconcile), then polls GitHub Deployments and deploys each one, until SIGTERM or SIGINT (the deploy
running then finishes first). Logs JSON lines on stdout.

options:
  --workspace DIR  the git checkout of RUNNER_REPO (default: RUNNER_WORKSPACE, else the current folder)
  --once           one poll pass, then exit

${COMMON_ENV}  APP_ID                the GitHub App's id (required)
  PRIVATE_KEY, PRIVATE_KEY_PATH  the App's private key, PEM (one of them required)
  RUNNER_REPO           owner/name of the repository served (required)
  RUNNER_ENVIRONMENT    comma-separated environments (default: every environment in the config)
  RUNNER_POLL_INTERVAL  15s by default; at least 1s
  RUNNER_STATUS_PORT    serve the status API on 127.0.0.1:PORT (default: off)
  RUNNER_DISPATCH_RUNTIME_FAILURES  on (default) or off: send crash-loops back to the app
  GHE_HOST, GHE_PROTOCOL  GitHub Enterprise Server (default: github.com)
  ORCHESTRATOR_SIGNING_KEY  only if the app sets it too (default: derived from the private key)
  LOG_LEVEL             trace, debug, info (default), warn, error

exit codes: 0 stopped by a signal (or --once pass done), 1 cannot authenticate or the pass failed,
2 usage or a missing/malformed variable (the message names it)
`,
  deploy: `usage: orchestrator-runner deploy <service> [--workspace DIR] [--ref REF] [--project NAME] [--file F]...

Deploys one service of the workspace's .github/orchestrator.yml with the runner's pipeline: checks out
REF (never losing committed or uncommitted work), builds, restarts with up -d --no-deps, verifies, and
rolls back to the previous image when verification fails. Finishes runs a killed runner left first.
Progress: on a terminal, the running step's line shows its elapsed time and the last line of its log;
otherwise one line per step start and end.

options:
  --workspace DIR  the compose project's git checkout (default: RUNNER_WORKSPACE, else the current folder)
  --ref REF        branch, tag or SHA to deploy (default: HEAD)
  --project NAME   compose project (default: COMPOSE_PROJECT_NAME, else the workspace folder's name)
  --file F         compose file, repeatable (default: COMPOSE_FILE, else Compose's default names)

${COMMON_ENV}
exit codes: 0 deployed, 3 rolled back (the previous version serves), 4 rollback failed, 1 failed or
refused (the message says why), 2 usage
`,
  status: `usage: orchestrator-runner status [--json]

Per service: the version live (last verified, by a deploy or a rollback), the last failed attempt since,
a run in progress; then held locks and runs that need reconciling. Names the state dir it read.

options:
  --json           the same as one JSON object

${COMMON_ENV}
exit codes: 0 printed (also when the state dir is missing or empty: it says so), 2 usage
`,
  runs: `usage: orchestrator-runner runs [--service S] [--limit N] [--json]

The run journal, newest first.

options:
  --service S      only the runs of service S
  --limit N        at most N runs (default: 20)
  --json           an array of run objects

${COMMON_ENV}
exit codes: 0 printed, 2 usage
`,
  reconcile: `usage: orchestrator-runner reconcile

Finishes the runs a killed runner left behind: completes or rolls back an unfinished deploy from its
journal, and reports results that were not reported yet.

${COMMON_ENV}
exit codes: 0 nothing to do, or every finished run succeeded or only needed its report; 1 a run it
finished ended failed, rolled back or with a failed rollback; 2 usage
`,
  monitor: `usage: orchestrator-runner monitor [--workspace DIR] [--project NAME]

Runs the health monitor (every configured service on its interval, circuit breakers) and the status
API alone, for a local stack: no GitHub, no dispatches, nothing restarted unless
monitor.restart_on_failure is set. Runs until SIGTERM or SIGINT.

options:
  --workspace DIR  the compose project's git checkout (default: RUNNER_WORKSPACE, else the current folder)
  --project NAME   compose project (default: COMPOSE_PROJECT_NAME, else the workspace folder's name)

${COMMON_ENV}  RUNNER_STATUS_PORT    serve /health, /ready, /health/status, /runs and /metrics on 127.0.0.1:PORT
  STATSD_HOST, STATSD_PORT  send StatsD lines over UDP (default: off)
  STATSD_PREFIX         StatsD prefix (default: orchestrator)

exit codes: 0 stopped by a signal, 1 cannot start (Docker or the config), 2 usage
`,
};
