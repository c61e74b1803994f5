import type { Diagnoser, Observation } from "../diagnoser.js";
import { resolveNodeModule } from "../names/node-name.js";

/** `testEnvironment: "jsdom"` -> `jest-environment-jsdom` (no longer shipped with Jest 28+). */
export function jestEnvironmentPackage(name: string): string {
  if (name.startsWith("jest-environment-") || name.startsWith("@") || name.includes("/")) return name;
  return `jest-environment-${name}`;
}

/** `Test environment jest-environment-jsdom cannot be found` -> npm `jest-environment-jsdom`. */
export const jestEnvironmentDiagnoser: Diagnoser = {
  name: "jest-environment",
  kind: "node_module",
  triggers: ["Test environment "],
  match(line): Observation | null {
    const match = /Test environment ([@\w./-]+) cannot be found/.exec(line);
    if (!match) return null;
    return { missing: jestEnvironmentPackage(match[1]!), evidence: [line] };
  },
  resolve: resolveNodeModule,
};
