import { beforeEach, it } from "vitest";
import { defaultDeps } from "../../src/app/deps.js";
import { registerHandlers } from "../../src/app/register.js";
import { adaptPayload, useGitHubHarness, webhookExample } from "../helpers/github.js";
import { configText, mockAnswer, mockConfig, mockPermission } from "../helpers/fix-world.js";
const gh = useGitHubHarness();
beforeEach(() => gh.load((app) => registerHandlers(app, defaultDeps())));
for (let i = 0; i < 3; i++) it("t" + i, async () => {
  const t0 = Date.now();
  gh.mintToken();
  mockConfig(gh, configText());
  mockPermission(gh, "mallory", "read");
  gh.github.post("/repos/acme/stack/issues/1/comments").reply(201, { id: 1, html_url: "x" });
  const p = adaptPayload(webhookExample("issue_comment", (p) => p.action === "created"), { sender: { login: "mallory" } });
  p.comment.body = "/orchestrator fix api";
  gh.github.on("request", (req: { path: string }) => console.log(Date.now() - t0, req.path));
  await gh.receive("issue_comment", p);
  console.log("done", Date.now() - t0);
});
