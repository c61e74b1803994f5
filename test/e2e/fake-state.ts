/**
 * The state of the fake GitHub (fake-github.ts): plain records the route modules read and write and
 * the tests assert on, plus the shared constants and helpers of those modules.
 */
import { TEST_OWNER, TEST_REPO } from "../helpers/webhook-examples.js";
import type { FakeResponse } from "./fake-router.js";

export const REPO_PATH = `/repos/${TEST_OWNER}/${TEST_REPO}`;
export const WEB = `https://github.com/${TEST_OWNER}/${TEST_REPO}`;
export const API = "https://api.github.com";
/** The App's bot account: everything written with an installation token is authored by it. */
export const BOT = { login: "orchestrator[bot]", id: 9_000_001, type: "Bot" } as const;

/** Who a request acts as: the bot (installation token) or a person (a personal access token). */
export interface FakeActor {
  login: string;
  id: number;
  type: "Bot" | "User";
}

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  state: "open" | "closed";
  labels: string[];
  merged_at: string | null;
  merge_commit_sha: string | null;
  merged_by: string | null;
  created_at: string;
}

export interface FakeReview {
  id: number;
  pull: number;
  user: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
  commit_id: string;
  submitted_at: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  created_at: string;
  updated_at: string;
  /** How many times it was edited in place. */
  edits: number;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string };
  actions: Array<{ label: string; identifier: string; description: string }>;
  details_url: string | null;
  external_id?: string | null;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  payload: unknown;
  description: string | null;
  created_at: string;
  creator: FakeActor;
}

export interface FakeDeploymentStatus {
  id: number;
  deployment: number;
  state: string;
  description: string;
  environment_url: string;
  log_url: string;
  created_at: string;
  creator: FakeActor;
}

export interface FakeJob {
  id: number;
  name: string;
  conclusion: "success" | "failure";
  log: string;
}

export interface FakeRun {
  id: number;
  name: string;
  head_sha: string;
  jobs: FakeJob[];
}

export interface FakeState {
  pulls: FakePull[];
  reviews: FakeReview[];
  comments: FakeComment[];
  checkRuns: FakeCheckRun[];
  deployments: FakeDeployment[];
  /** Oldest first, across deployments. */
  statuses: FakeDeploymentStatus[];
  runs: FakeRun[];
  /** Issue numbers that are not pull requests (comments can go on them too). */
  issues: number[];
  /** Repository roles by login (collaborator permission); anyone else has none. */
  permissions: Map<string, "read" | "triage" | "write" | "maintain" | "admin">;
  /** Every installation token minted. */
  tokens: string[];
  /** Personal access tokens of people (collaborators), by token. */
  userTokens: Map<string, FakeActor>;
  /** When each minted token expires (the fake's clock, ms). */
  tokenExpiry: Map<string, number>;
  /** The fake's clock is this far ahead of the machine's (negative: behind), to test clock skew. */
  clockOffsetMs: number;
  /** Requests without valid credentials. */
  problems: string[];
  /** Ids for every kind of record, increasing, so "newest first" sorts by id. */
  nextId(): number;
  /** The fake's clock (machine clock + clockOffsetMs). */
  nowMs(): number;
  now(): string;
}

export function createFakeState(): FakeState {
  let id = 1000;
  const state: FakeState = {
    pulls: [],
    reviews: [],
    comments: [],
    checkRuns: [],
    deployments: [],
    statuses: [],
    runs: [],
    issues: [],
    permissions: new Map(),
    tokens: [],
    userTokens: new Map(),
    tokenExpiry: new Map(),
    clockOffsetMs: 0,
    problems: [],
    nextId: () => ++id,
    nowMs: () => Date.now() + state.clockOffsetMs,
    now: () => new Date(state.nowMs()).toISOString(),
  };
  return state;
}

/** The account a request's credentials act as (the bot for installation tokens). */
export function actorOf(state: FakeState, headers: Record<string, string | string[] | undefined>): FakeActor {
  const token = String(headers.authorization ?? "").replace(/^(token|bearer) /i, "");
  return state.userTokens.get(token) ?? BOT;
}

/** A route pattern under the test repository, e.g. repoRoute("/pulls/(\\d+)"). */
export function repoRoute(rest: string): RegExp {
  return new RegExp(`^${REPO_PATH.replace(/\//g, "\\/")}${rest}$`);
}

export function ok(body: unknown, status = 200): FakeResponse {
  return { status, body };
}
