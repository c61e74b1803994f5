import type { Context } from "probot";
import type { Trust } from "../deploy/app-identity.js";

/** The installation-authenticated client Probot hands to a handler. */
export type Octokit = Context["octokit"];
export type Log = Context["log"];

export interface RepoRef {
  owner: string;
  repo: string;
}

/** Everything a GitHub driver needs for one repository. */
export interface RepoClient extends RepoRef {
  octokit: Octokit;
  log: Log;
  defaultBranch: string;
  /** The app's bot and signing key: what tells the app's own deployments and markers from copies. */
  trust: Trust;
}

/** The HTTP status of an Octokit error, or undefined for anything else. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
