import type { Diagnoser, Observation } from "../diagnoser.js";
import { resolveNodeModule } from "../names/node-name.js";

const NAME = String.raw`((?:@[\w.-]+\/)?[\w.-]+)`;
const APPLICATION = new RegExp(
  String.raw`Your application tried to access ${NAME}(?: \(a peer dependency\))?, but it isn't declared in your dependencies`,
);
const PACKAGE = new RegExp(
  String.raw`${NAME} tried to access ${NAME}(?: \(a peer dependency\))?, but it isn't declared in its dependencies`,
);

/**
 * Yarn Plug'n'Play strictness. "Your application tried to access x": the project uses x without declaring
 * it. "pkg tried to access x": an installed package does, which is that package's bug (fixed upstream or
 * with `packageExtensions`), never a dependency for the project to add.
 */
export const yarnPnpDiagnoser: Diagnoser = {
  name: "yarn-pnp",
  kind: "node_module",
  triggers: ["tried to access"],
  match(line): Observation | null {
    const application = APPLICATION.exec(line);
    if (application) return { missing: application[1]!, evidence: [line] };
    const dependency = PACKAGE.exec(line);
    if (!dependency) return null;
    return {
      missing: dependency[2]!,
      evidence: [line],
      notFixable: `the installed package '${dependency[1]}' uses '${dependency[2]}' without declaring it (Yarn Plug'n'Play): a bug of that package, fixed upstream or with packageExtensions in .yarnrc.yml, not a dependency of the project`,
    };
  },
  resolve: resolveNodeModule,
};
