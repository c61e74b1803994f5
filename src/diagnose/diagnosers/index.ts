import type { Diagnoser } from "../diagnoser.js";
import { cHeaderDiagnoser } from "./c-header.js";
import { missingToolDiagnoser } from "./missing-tool.js";
import { nodeModuleDiagnoser } from "./node-module.js";
import { pkgConfigDiagnoser } from "./pkg-config.js";
import { pythonModuleDiagnoser } from "./python-module.js";

/**
 * The built-in diagnosers, in the order they get a line: the most specific messages first (a header
 * line must not be read as a missing tool, a pkg-config line neither).
 */
export const BUILTIN_DIAGNOSERS: readonly Diagnoser[] = [
  pythonModuleDiagnoser,
  nodeModuleDiagnoser,
  cHeaderDiagnoser,
  pkgConfigDiagnoser,
  missingToolDiagnoser,
];
