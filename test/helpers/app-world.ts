/**
 * The app under test, for every app test: the whole app as production wires it (both halves, every
 * chat command), with lookups that never leave the process unless a test passes its own. The GitHub
 * conversations it has live next to it: test/helpers/fix-world.ts (the fix half) and
 * test/helpers/deploy-world.ts (the deploy half), all on the validated harness (test/helpers/github.ts).
 */
import type { ApplicationFunction } from "probot";
import { defaultDeps, type AppDeps } from "../../src/app/deps.js";
import orchestrator, { createOrchestrator } from "../../src/index.js";
import type { GitHubHarness } from "./github.js";
import { publishedRegistry } from "./registry.js";
import { TEST_OWNER, TEST_REPO } from "./webhook-examples.js";

/** The REST path of the test repository. */
export const R = `/repos/${TEST_OWNER}/${TEST_REPO}`;

/** A 40-character SHA made of one character. */
export const sha = (c: string): string => c.repeat(40).slice(0, 40);

/** The production entry itself (`npm start`), real lookups and all. */
export const wholeApp: ApplicationFunction = orchestrator;

/**
 * The whole app with test lookups: an in-memory package registry (every name exists, long published)
 * unless `deps` names another; `versions` is that registry unless `deps` gives its own.
 */
export function testApp(deps: Partial<AppDeps> = {}): ApplicationFunction {
  return createOrchestrator(defaultDeps({ registry: publishedRegistry(), ...deps }));
}

/** The app's one answer on an issue or PR: returns a reader of the body it posted. */
export function mockAnswer(gh: GitHubHarness, issueNumber: number): () => string {
  let body = "";
  gh.github
    .post(`${R}/issues/${issueNumber}/comments`, (b: { body: string }) => {
      body = b.body;
      return true;
    })
    .reply(201, {
      id: 99,
      html_url: `https://github.com/${TEST_OWNER}/${TEST_REPO}/issues/${issueNumber}#issuecomment-99`,
    });
  return () => body;
}
