import { describeGitHubKillPoints } from "./kill-points-github.js";

describeGitHubKillPoints({
  name: "kill points along a GitHub deployment that is rolled back (start, fake GitHub over HTTP)",
  stackName: "killghrb",
  broken: true,
});
