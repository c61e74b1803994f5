import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { redact, redactor } from "../../src/redact/redactor.js";
import { writingState } from "../journal/write-error.js";

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
  const path = artifactPath(runDir, name);
  writingState(path, () => writeFileSync(path, redact(text)));
}

export function appendArtifact(runDir: string, name: ArtifactName, text: string): void {
  const path = artifactPath(runDir, name);
  writingState(path, () => appendFileSync(path, redact(text.endsWith("\n") ? text : `${text}\n`)));
}

export function writeJsonArtifact(runDir: string, name: ArtifactName, value: unknown): void {
  const path = artifactPath(runDir, name);
  writingState(path, () => writeFileSync(path, `${JSON.stringify(redactor.redactDeep(value), null, 2)}\n`));
}

export function isArtifactName(name: string): name is ArtifactName {
  return (ARTIFACT_NAMES as readonly string[]).includes(name);
}
