import { describe, expect, it } from "vitest";
import { matchesGlob } from "../../src/policy/glob.js";

describe("matchesGlob", () => {
  it.each([
    ["requirements-dev.txt", "requirements*.txt", true],
    ["sub/requirements.txt", "requirements*.txt", true],
    ["requirements/prod.txt", "requirements*.txt", false],
    ["requirements/a/b.txt", "requirements/**/*.txt", true],
    ["requirements/b.txt", "requirements/**/*.txt", true],
    [".github/workflows/ci.yml", ".github/**", true],
    ["x/.github/a", ".github/**", false],
    ["x/.github/a", "**/.github/**", true],
    ["a.yaml", "*.{yml,yaml}", true],
    ["a.json", "*.{yml,yaml}", false],
    ["a.b", "a?b", true],
    ["a/b", "a?b", false],
    ["Dockerfile.prod", "Dockerfile.*", true],
    ["Dockerfile", "Dockerfile.*", false],
    ["a+b(c).txt", "a+b(c).txt", true],
  ])("%s ~ %s = %s", (path, pattern, expected) => {
    expect(matchesGlob(path, pattern)).toBe(expected);
  });
});
