import { describe, expect, it } from "vitest";
import { isOrchestratorPull, mergeTarget } from "../../src/deploy/merge-target.js";
import { parseMetaMarker } from "../../src/render/meta-marker.js";
import { signedMarker, testSigningKey, TEST_FULL_REPO } from "../helpers/signing.js";
import { testConfig, TWO_SERVICES } from "../helpers/deploy-config.js";

const config = testConfig(TWO_SERVICES);
const onMerge = testConfig(`${TWO_SERVICES}\ndeploy_on_merge: true\n`);

const BRANCH = "orchestrator/api/abc";

function meta(service: string): string {
  return `${signedMarker(
    {
      v: 1,
      service,
      fingerprint: "abc",
      finding: { kind: "python_module", missing: "yaml", package: "PyYAML", ecosystem: "pypi" },
      run_url: null,
      base_sha: "b".repeat(40),
    },
    BRANCH,
  )}\n\nFix body`;
}

/** What merged-pull.ts hands over: the marker read and verified from the PR body. */
function verified(body: string | null) {
  return parseMetaMarker(body, testSigningKey(), { repo: TEST_FULL_REPO, branch: BRANCH });
}

describe("mergeTarget", () => {
  const table: {
    name: string;
    labels: string[];
    body: string | null;
    files: string[];
    cfg?: typeof config;
    expected: unknown;
  }[] = [
    {
      name: "fix PR: the meta marker names the service",
      labels: [],
      body: meta("api"),
      files: ["services/api/requirements.txt"],
      expected: { kind: "deploy", service: "api", origin: "orchestrator" },
    },
    {
      name: "label only: the files name the service",
      labels: ["orchestrator"],
      body: null,
      files: ["services/web/package.json", "services/web/package-lock.json"],
      expected: { kind: "deploy", service: "web", origin: "orchestrator" },
    },
    {
      name: "label only, files in two services: refused with the services",
      labels: ["orchestrator"],
      body: "",
      files: ["services/web/package.json", "services/api/Dockerfile"],
      expected: { kind: "refuse", why: expect.stringContaining("not inside one configured service folder") },
    },
    {
      name: "meta names an unconfigured service",
      labels: ["orchestrator"],
      body: meta("worker"),
      files: ["services/worker/Dockerfile"],
      expected: {
        kind: "refuse",
        why: expect.stringContaining("`worker`, which is not configured (configured: api, web)"),
      },
    },
    {
      name: "someone else's PR, deploy_on_merge off",
      labels: ["bug"],
      body: "plain",
      files: ["services/api/app.py"],
      expected: { kind: "skip", why: "not an orchestrator PR, and deploy_on_merge is off" },
    },
    {
      name: "someone else's PR inside one service, deploy_on_merge on",
      labels: [],
      body: null,
      files: ["services/api/app.py", "services/api/lib/x.py"],
      cfg: onMerge,
      expected: { kind: "deploy", service: "api", origin: "deploy_on_merge" },
    },
    {
      name: "deploy_on_merge, a file outside every service",
      labels: [],
      body: null,
      files: ["services/api/app.py", "README.md"],
      cfg: onMerge,
      expected: {
        kind: "skip",
        why: expect.stringContaining("not all inside one configured service folder"),
      },
    },
    {
      name: "a path that only shares a prefix with the folder is outside it",
      labels: [],
      body: null,
      files: ["services/api-old/app.py"],
      cfg: onMerge,
      expected: { kind: "skip", why: expect.stringContaining("not all inside") },
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      expect(
        mergeTarget({ labels: row.labels, meta: verified(row.body), files: row.files }, row.cfg ?? config),
      ).toEqual(row.expected);
    });
  }

  it("nested service folders are ambiguous for deploy_on_merge", () => {
    const nested = testConfig(
      "services:\n  api: { path: services/api }\n  worker: { path: services/api/worker }\ndeploy_on_merge: true\n",
    );
    expect(mergeTarget({ labels: [], meta: null, files: ["services/api/worker/main.py"] }, nested)).toEqual({
      kind: "skip",
      why: "deploy_on_merge: the changes are inside several service folders (api, worker)",
    });
  });

  it("recognises orchestrator PRs by marker or label only", () => {
    expect(isOrchestratorPull({ labels: [], meta: verified(meta("api")) })).toBe(true);
    expect(isOrchestratorPull({ labels: ["orchestrator"], meta: null })).toBe(true);
    expect(
      isOrchestratorPull({
        labels: ["orchestrator-ish"],
        meta: verified("<!-- orchestrator:meta {broken} -->"),
      }),
    ).toBe(false);
    // A marker anywhere but the very start (say, in a log line quoted in the body) is not ours.
    expect(isOrchestratorPull({ labels: [], meta: verified(`evidence:\n${meta("api")}`) })).toBe(false);
  });
});
