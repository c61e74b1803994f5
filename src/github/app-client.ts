import type { Context } from "probot";
import type { RepoClient } from "../../github/repo-client.js";
import type { Trust } from "../deploy/app-identity.js";

export type Log = Context["log"];

/** Everything an app-side driver needs for one repository: the shared RepoClient and the event's context. */
export interface AppClient extends RepoClient {
  /** The event's installation Octokit. */
  octokit: Context["octokit"];
  log: Log;
  defaultBranch: string;
  /** The app's bot and signing key: what tells the app's own deployments and markers from copies. */
  trust: Trust;
}
