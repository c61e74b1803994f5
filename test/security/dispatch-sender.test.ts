/**
 * Attack: anyone with write access can send `repository_dispatch` with the event type
 * `orchestrator.runtime_failure` and a log they wrote, to make the bot propose (and, with auto_fix, open)
 * a fix of their choosing. Only the runner sends it, with the installation token: its sender is the
 * app's own bot, and every other sender is ignored with a log line.
 */
import { testApp } from "../helpers/app-world.js";
import { beforeEach, describe, expect, it } from "vitest";
import { adaptPayload, useGitHubHarness, webhookExample } from "../helpers/github.js";
import { mockConfig } from "../helpers/fix-world.js";
import { BOT_USER, mockAppIdentity } from "../helpers/signing.js";

const gh = useGitHubHarness();
beforeEach(() => gh.load(testApp()));

function dispatch(sender: { login: string; type: string }) {
  const payload = adaptPayload(webhookExample("repository_dispatch")) as unknown as {
    action: string;
    client_payload: unknown;
    sender: unknown;
  };
  payload.action = "orchestrator.runtime_failure";
  payload.client_payload = { service: "api", log: "ModuleNotFoundError: No module named 'evil_pkg'\n" };
  payload.sender = { ...(payload.sender as object), ...sender };
  return payload as never;
}

describe("repository_dispatch orchestrator.runtime_failure", () => {
  it("from a collaborator (a person): ignored without a single request, with a log line", async () => {
    await gh.receive("repository_dispatch", dispatch({ login: "mallory", type: "User" }));

    expect(gh.requests).toEqual([]);
    expect(gh.logs).toContainEqual(
      expect.objectContaining({
        msg: "runtime failure dispatch not sent by the app's bot: ignoring it",
        sender: "mallory",
      }),
    );
  });

  it("from another bot (a workflow's GITHUB_TOKEN): ignored after looking up the app's own bot", async () => {
    mockAppIdentity(gh, { optional: false });

    await gh.receive("repository_dispatch", dispatch({ login: "github-actions[bot]", type: "Bot" }));

    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /app"]);
    expect(gh.logs).toContainEqual(
      expect.objectContaining({
        msg: "runtime failure dispatch not sent by the app's bot: ignoring it",
        sender: "github-actions[bot]",
        bot: "orchestrator[bot]",
      }),
    );
  });

  it("a bot login that only looks like the app's with another type is still refused", async () => {
    await gh.receive("repository_dispatch", dispatch({ login: "orchestrator[bot]", type: "User" }));
    expect(gh.requests).toEqual([]);
    expect(gh.messages()).toContain("runtime failure dispatch not sent by the app's bot: ignoring it");
  });

  it("control: from the app's bot it goes on to read the config", async () => {
    mockAppIdentity(gh, { optional: false });
    gh.mintToken();
    mockConfig(gh, null);

    await gh.receive("repository_dispatch", dispatch(BOT_USER));

    expect(gh.messages()).not.toContain("runtime failure dispatch not sent by the app's bot: ignoring it");
    expect(gh.messages()).toContain(
      "runtime failure ignored: .github/orchestrator.yml is missing or invalid",
    );
  });
});
