import { describeGitHubKillPoints } from "./kill-points-github.js";

describeGitHubKillPoints({
  name: "kill points along a GitHub deployment that verifies (start, fake GitHub over HTTP)",
  stackName: "killgh",
  broken: false,
});
