import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import orchestrator from "../src/index.js";
import { startServer } from "../src/server.js";

const manifest = parse(readFileSync(new URL("../app.yml", import.meta.url), "utf8")) as {
  default_events: string[];
  default_permissions: Record<string, string>;
};

/** The webhook events the app subscribes to, read off the handlers it registers. */
function subscribedEvents(): Set<string> {
  const events = new Set<string>();
  const fakeApp = {
    on(names: string | string[]) {
      for (const name of [names].flat()) events.add(name.split(".")[0]!);
    },
    onAny() {
      throw new Error("the app must not subscribe to every event");
    },
    log: { child: () => fakeApp.log, info() {}, debug() {}, warn() {}, error() {} },
  };
  orchestrator(fakeApp as never);
  return events;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

describe("app.yml", () => {
  it("asks for exactly the webhook events the app subscribes to", () => {
    expect(new Set(manifest.default_events)).toEqual(subscribedEvents());
  });

  it("asks for no admin permission and nothing beyond what the app's requests need", () => {
    expect(manifest.default_permissions).toEqual({
      metadata: "read",
      contents: "write",
      pull_requests: "write",
      issues: "write",
      checks: "write",
      actions: "read",
      deployments: "write",
      members: "read",
    });
  });

  it("is what `npm start`'s setup page registers when APP_ID is not set", async () => {
    const port = await freePort();
    const server = await startServer({
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "test",
      LOG_LEVEL: "error",
    });
    try {
      const page = await (await fetch(`http://127.0.0.1:${port}/probot`)).text();
      expect(page).toContain("Register GitHub App");
      const value = /name="manifest" id="manifest" value='([^']*)'/.exec(page)?.[1];
      expect(value, "the setup page carries the manifest").toBeDefined();
      const sent = JSON.parse(value!.replace(/&quot;/g, '"')) as typeof manifest & { name: string };
      expect(sent.name).toBe("orchestrator");
      expect(sent.default_events).toEqual(manifest.default_events);
      expect(sent.default_permissions).toEqual(manifest.default_permissions);
    } finally {
      await server.stop();
    }
  });
});
