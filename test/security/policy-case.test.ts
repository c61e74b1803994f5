/**
 * Attack: a hard refusal is matched case-sensitively, so `.ENV` or `.GitHub/workflows/ci.yml` passes
 * under `allow: ["**"]` (and is the same file on a case-insensitive checkout); a package-manager config
 * can point every later install at an attacker's registry. Defence: hard refusals ignore case and cover
 * those configs; `allow` can never lift them.
 */
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/parse.js";
import type { FileChange } from "../../src/patch/repo-files.js";
import { evaluatePolicy } from "../../src/policy/evaluate.js";

function config() {
  const result = validateConfig({
    services: { api: { path: "services/api", allow: ["**", ".*", "**/.*"] } },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}
const change = (path: string): FileChange => ({ path, mode: "100644", before: "a\n", after: "a\nb\n" });
const cfg = config();
const decide = (path: string) => evaluatePolicy([change(path)], "api", cfg.services.api!, cfg);

describe("hard refusals ignore case, whatever allow says", () => {
  it.each([
    ["services/api/.ENV", "environment files"],
    ["services/api/.Env.production", "environment files"],
    ["services/api/Docker-Compose.YML", "compose files"],
    ["services/api/COMPOSE.yaml", "compose files"],
    ["services/api/.GitHub/workflows/ci.yml", "CI and repository settings"],
    ["services/api/id_RSA", "SSH keys"],
    ["services/api/certs/server.PEM", "keys and certificates"],
    ["services/api/.NPMRC", "credential files"],
    ["services/api/.GIT/config", "git internals"],
  ])("%s is refused (%s)", (path, rule) => {
    const decision = decide(path);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) expect(decision.reasons).toEqual([expect.stringContaining(rule)]);
  });
});

describe("package-manager configs that can redirect installs are refused", () => {
  it.each([
    "services/api/.npmrc",
    "services/api/.yarnrc",
    "services/api/.yarnrc.yml",
    "services/api/.pnpmfile.cjs",
    "services/api/pip.conf",
    "services/api/Pip.Conf",
    "services/api/pip.ini",
    "services/api/.pypirc",
    "services/api/.condarc",
    "services/api/sub/.condarc",
  ])("%s", (path) => {
    const decision = decide(path);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed)
      expect(decision.reasons[0]).toMatch(/(package-manager configs can redirect installs|credential files)/);
  });

  it("an ordinary dependency file is still allowed (control)", () => {
    expect(decide("services/api/requirements.txt")).toEqual({ allowed: true });
    expect(decide("services/api/Requirements-dev.txt")).toEqual({ allowed: true });
  });
});
