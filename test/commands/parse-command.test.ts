import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/commands/parse-command.js";

describe("parseCommand", () => {
  it.each([
    ["/orchestrator fix api", { name: "fix", service: "api", force: false }],
    ["/orchestrator fix api --force", { name: "fix", service: "api", force: true }],
    ["please:\n/orchestrator   plan web-app\nthanks", { name: "plan", service: "web-app" }],
    ["/orchestrator deploy api", { name: "deploy", service: "api" }],
    ["/orchestrator deploy api release/1.2", { name: "deploy", service: "api", ref: "release/1.2" }],
    ["/orchestrator rollback api", { name: "rollback", service: "api" }],
    ["/orchestrator status", { name: "status" }],
    ["/orchestrator status api", { name: "status", service: "api" }],
    ["/orchestrator retry", { name: "retry" }],
    ["/orchestrator help", { name: "help" }],
    ["/orchestrator", { name: "help" }],
  ])("parses %j", (body, command) => {
    expect(parseCommand(body)).toEqual({ kind: "command", command });
  });

  it.each([
    ["no command here"],
    ["/orchestratorfix api"],
    ["> /orchestrator fix api"],
    ["```\n/orchestrator fix api\n```"],
    ["~~~\n/orchestrator fix api\n~~~"],
  ])("ignores %j", (body) => {
    expect(parseCommand(body)).toEqual({ kind: "none" });
  });

  it.each([
    [
      "/orchestrator deploy-all",
      /unknown command `deploy-all`. Valid commands:\n- `\/orchestrator fix <service> \[--force\]`/,
    ],
    ["/orchestrator fix", /`fix` needs a service. Usage: `\/orchestrator fix <service> \[--force\]`/],
    ["/orchestrator fix api; rm -rf /", /`api;` is not a valid service name/],
    ["/orchestrator fix ../x", /`..\/x` is not a valid service name/],
    ["/orchestrator fix `id`", /`\?id\?` is not a valid service name/],
    ["/orchestrator fix API", /`API` is not a valid service name/],
    ["/orchestrator fix api web", /unexpected argument `web` for `fix`/],
    ["/orchestrator fix api --yes", /unknown option `--yes` for fix/],
    ["/orchestrator deploy api ../../etc", /`..\/..\/etc` is not a valid git ref/],
    ["/orchestrator retry now", /unexpected argument `now` for `retry`/],
    ["/orchestrator help me", /unexpected argument `me` for `help`/],
  ])("explains what is wrong with %j", (body, message) => {
    const result = parseCommand(body);
    expect(result.kind).toBe("error");
    expect(result.kind === "error" && result.message).toMatch(message);
  });

  it("truncates long user text in errors", () => {
    const result = parseCommand(`/orchestrator ${"x".repeat(500)}`);
    expect(result.kind === "error" && result.message).toContain(`\`${"x".repeat(40)}...\``);
  });
});
