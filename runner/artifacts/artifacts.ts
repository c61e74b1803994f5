import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { redact, redactor } from "../../src/redact/redactor.js";

/** The files every run leaves in its folder under the state dir. */
export const ARTIFACT_NAMES = [
  "patch.diff",
  "build.log",
  "restart.log",
  "verify.log",
  "rollback.log",
  "summary.json",
] as const;
export type ArtifactName = (typeof ARTIFACT_NAMES)[number];

export function artifactPath(runDir: string, name: ArtifactName): string {
  return join(runDir, name);
}

/** Every artifact passes the redactor on its way to disk. */
export function writeArtifact(runDir: string, name: ArtifactName, text: string): void {
  writeFileSync(artifactPath(runDir, name), redact(text));
}

export function appendArtifact(runDir: string, name: ArtifactName, text: string): void {
  appendFileSync(artifactPath(runDir, name), redact(text.endsWith("\n") ? text : `${text}\n`));
}

export function writeJsonArtifact(runDir: string, name: ArtifactName, value: unknown): void {
  writeFileSync(artifactPath(runDir, name), `${JSON.stringify(redactor.redactDeep(value), null, 2)}\n`);
}

export function isArtifactName(name: string): name is ArtifactName {
  return (ARTIFACT_NAMES as readonly string[]).includes(name);
}
