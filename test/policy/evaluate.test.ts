import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/parse.js";
import type { OrchestratorConfig } from "../../src/config/schema.js";
import type { FileChange } from "../../src/patch/repo-files.js";
import { changedLines, evaluatePolicy } from "../../src/policy/evaluate.js";

function config(extra: Record<string, unknown> = {}, allow: string[] = []): OrchestratorConfig {
  const result = validateConfig({
    services: {
      api: { path: "services/api", allow },
      web: { path: "web", dockerfile: "docker/web.Dockerfile" },
    },
    ...extra,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const change = (
  path: string,
  mode = "100644",
  before: string | null = "a\n",
  after = "a\nb\n",
): FileChange => ({ path, mode, before, after });

function decide(changes: FileChange[], cfg = config(), name = "api") {
  return evaluatePolicy(changes, name, cfg.services[name]!, cfg);
}

describe("evaluatePolicy: allowed by default inside the service folder", () => {
  it.each([
    "services/api/Dockerfile",
    "services/api/Dockerfile.prod",
    "services/api/requirements.txt",
    "services/api/requirements-dev.txt",
    "services/api/requirements/prod.txt",
    "services/api/pyproject.toml",
    "services/api/poetry.lock",
    "services/api/package.json",
    "services/api/package-lock.json",
    "services/api/pnpm-lock.yaml",
    "services/api/yarn.lock",
    "services/api/sub/package.json",
  ])("%s", (path) => {
    expect(decide([change(path)])).toEqual({ allowed: true });
  });

  it("allows the configured Dockerfile path even when its name is not a default", () => {
    expect(decide([change("web/docker/web.Dockerfile")], config(), "web")).toEqual({ allowed: true });
  });

  it("allows created files", () => {
    expect(decide([change("services/api/requirements.txt", "100644", null, "x\n")])).toEqual({
      allowed: true,
    });
  });
});

describe("evaluatePolicy: refused, each reason naming the file and the rule", () => {
  it.each([
    ["services/api/docker-compose.yml", "compose files are never changed"],
    ["services/api/docker-compose.override.yaml", "compose files are never changed"],
    ["services/api/compose.yaml", "compose files are never changed"],
    [".github/workflows/ci.yml", "CI and repository settings"],
    ["services/api/.github/orchestrator.yml", "CI and repository settings"],
    ["services/api/.env", "environment files"],
    ["services/api/.env.production", "environment files"],
    ["services/api/tls/server.pem", "keys and certificates"],
    ["services/api/server.key", "keys and certificates"],
    ["services/api/id_rsa", "SSH keys"],
    ["services/api/id_ed25519.pub", "SSH keys"],
    ["services/api/.npmrc", "credential files"],
    ["services/web/package.json", "outside the folder of service 'api'"],
    ["services/api-other/package.json", "outside the folder of service 'api'"],
    ["package.json", "outside the folder of service 'api'"],
    ["services/api/app/main.py", "not in the allow-list"],
    ["services/api/../web/package.json", "contains '..'"],
    ["/etc/passwd", "is absolute"],
    ["services\\api\\package.json", "backslash"],
    ["services/api//package.json", "empty or '.' segment"],
    ["services/api/./package.json", "empty or '.' segment"],
  ])("%s -> %s", (path, rule) => {
    const decision = decide([change(path)]);
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.reasons.some((r) => r.includes(rule))).toBe(true);
    expect(decision.reasons.every((r) => r.includes(path) || r.includes(JSON.stringify(path)))).toBe(true);
  });

  it("refuses symlinks and submodules by mode, even for allowed names", () => {
    const symlink = decide([change("services/api/requirements.txt", "120000")]);
    expect(symlink).toEqual({
      allowed: false,
      reasons: ["services/api/requirements.txt: is a symlink (mode 120000); fixes never change symlinks"],
    });
    const submodule = decide([change("services/api/package.json", "160000")]);
    expect(submodule.allowed === false && submodule.reasons[0]).toContain("is a submodule (mode 160000)");
  });

  it("never lets service.allow open an always-refused file, but does open other files", () => {
    const cfg = config({}, ["*.py", ".env*", "docker-compose.yml", "config/**"]);
    expect(decide([change("services/api/app/main.py")], cfg)).toEqual({ allowed: true });
    expect(decide([change("services/api/config/a/b.ini")], cfg)).toEqual({ allowed: true });
    expect(decide([change("services/api/.env")], cfg).allowed).toBe(false);
    expect(decide([change("services/api/docker-compose.yml")], cfg).allowed).toBe(false);
    expect(decide([change("services/web/main.py")], cfg).allowed).toBe(false);
  });

  it("refuses more files than policy.max_files", () => {
    const cfg = config({ policy: { max_files: 2, max_changed_lines: 200 } });
    const files = ["Dockerfile", "package.json", "yarn.lock"].map((f) => change(`services/api/${f}`));
    const decision = decide(files, cfg);
    expect(decision).toEqual({ allowed: false, reasons: [expect.stringContaining("3 files changed")] });
    expect(decide(files.slice(0, 2), cfg)).toEqual({ allowed: true });
  });

  it("refuses more changed lines than policy.max_changed_lines (added + removed)", () => {
    const cfg = config({ policy: { max_files: 5, max_changed_lines: 3 } });
    const three = change("services/api/requirements.txt", "100644", "a\nb\n", "a\nc\nd\n"); // -b +c +d
    expect(changedLines(three)).toBe(3);
    expect(decide([three], cfg)).toEqual({ allowed: true });
    const four = change("services/api/requirements.txt", "100644", "a\nb\n", "x\nc\nd\n");
    expect(decide([four], cfg)).toEqual({
      allowed: false,
      reasons: [expect.stringMatching(/5 lines added or removed; policy.max_changed_lines is 3/)],
    });
  });

  it("refuses an empty change set and duplicate paths", () => {
    expect(decide([])).toEqual({ allowed: false, reasons: [expect.stringContaining("empty")] });
    const dup = decide([change("services/api/Dockerfile"), change("services/api/Dockerfile")]);
    expect(dup.allowed === false && dup.reasons).toEqual([
      "services/api/Dockerfile: appears twice in the change set",
    ]);
  });

  it("collects every reason, not just the first", () => {
    const decision = decide([change("services/web/.env", "120000")]);
    expect(decision.allowed === false && decision.reasons.length).toBe(3);
  });

  it("treats a service at the repository root ('.') as owning every path", () => {
    const result = validateConfig({ services: { app: { path: "." } } });
    if (!result.ok) throw new Error("config");
    const cfg = result.config;
    expect(evaluatePolicy([change("package.json")], "app", cfg.services.app!, cfg)).toEqual({
      allowed: true,
    });
    expect(evaluatePolicy([change(".github/workflows/x.yml")], "app", cfg.services.app!, cfg).allowed).toBe(
      false,
    );
  });
});
