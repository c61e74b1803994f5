import { describe, expect, it } from "vitest";
import { appIdentity, cachedIdentity, isAppBot } from "../../src/deploy/app-identity.js";

const identity = appIdentity({ id: 123, slug: "orchestrator" });

describe("the app's bot", () => {
  it("is <slug>[bot] from GET /app, and a malformed answer is an error", () => {
    expect(identity).toEqual({ id: 123, slug: "orchestrator", botLogin: "orchestrator[bot]" });
    expect(() => appIdentity({ id: "123", slug: "orchestrator" })).toThrow(
      "GET /app did not return the App's id and slug",
    );
  });

  it.each([
    [{ login: "orchestrator[bot]", type: "Bot" }, true],
    [{ login: "Orchestrator[bot]" }, true],
    [{ login: "orchestrator[bot]", type: "User" }, false],
    [{ login: "orchestrator", type: "User" }, false],
    [{ login: "github-actions[bot]", type: "Bot" }, false],
    [{ login: "orchestrator-evil[bot]", type: "Bot" }, false],
    [null, false],
  ])("%j is the bot: %s", (user, expected) => {
    expect(isAppBot(user, identity)).toBe(expected);
  });

  it("is looked up once, and again after a failed lookup", async () => {
    let calls = 0;
    const lookup = cachedIdentity(async () => {
      calls += 1;
      if (calls === 1) throw new Error("GitHub is down");
      return identity;
    });
    await expect(lookup()).rejects.toThrow("GitHub is down");
    await expect(lookup()).resolves.toEqual(identity);
    await expect(lookup()).resolves.toEqual(identity);
    expect(calls).toBe(2);
  });
});
