import type { Resolution } from "./diagnoser.js";
import { normalizePythonName, type DeclaredDependencies } from "./manifests.js";

/**
 * "Declared but not installed in the image": the package a finding would add is already in a manifest.
 * Returns the reason (with the manifest and the likely cause), or null when it is not declared.
 */
export function declaredReason(resolution: Resolution, declared: DeclaredDependencies): string | null {
  if (!resolution.fixable) return null;
  let manifest: string | undefined;
  let ecosystem: "python" | "node";
  if (resolution.ecosystem === "pypi") {
    manifest = declared.python.get(normalizePythonName(resolution.package));
    ecosystem = "python";
  } else if (resolution.ecosystem === "npm") {
    manifest = declared.node.get(resolution.package);
    ecosystem = "node";
  } else {
    return null;
  }
  if (!manifest) return null;
  const { installSteps } = declared;
  let cause: string;
  if (installSteps.dockerfiles.length > 0 && !installSteps[ecosystem]) {
    cause = `no install step in ${installSteps.dockerfiles.join(", ")}`;
  } else if (installSteps.dockerfiles.length > 0) {
    cause = `a stale image or build cache, or the install ran in another working directory or environment than the one that failed`;
  } else {
    cause = `the install step did not run before this command, or ran in another environment or working directory`;
  }
  return `${resolution.package} is already declared in ${manifest}: declared but not installed in the image (likely cause: ${cause}); nothing to add`;
}
