import type { Diagnoser } from "../diagnoser.js";
import { cHeaderDiagnoser } from "./c-header.js";
import { debianPythonSplitDiagnoser } from "./debian-python-split.js";
import { eslintPluginDiagnoser } from "./eslint-plugin.js";
import { jestEnvironmentDiagnoser } from "./jest-environment.js";
import { missingToolDiagnoser } from "./missing-tool.js";
import { nodeModuleDiagnoser } from "./node-module.js";
import { pkgConfigDiagnoser } from "./pkg-config.js";
import { protocIncludeDiagnoser } from "./protoc-include.js";
import { pythonModuleDiagnoser } from "./python-module.js";
import { sharedLibraryDiagnoser } from "./shared-library.js";
import { typescriptTypesDiagnoser } from "./typescript-types.js";
import { yarnPnpDiagnoser } from "./yarn-pnp.js";

/**
 * The built-in diagnosers, one line each, in the order they get a line: the most specific messages first
 * (an ESLint or shared-library line must not be read as a plain missing module, a header line not as a
 * missing tool, a pkg-config line neither).
 */
export const BUILTIN_DIAGNOSERS: readonly Diagnoser[] = [
  debianPythonSplitDiagnoser,
  pythonModuleDiagnoser,
  eslintPluginDiagnoser,
  yarnPnpDiagnoser,
  jestEnvironmentDiagnoser,
  typescriptTypesDiagnoser,
  nodeModuleDiagnoser,
  sharedLibraryDiagnoser,
  cHeaderDiagnoser,
  protocIncludeDiagnoser,
  pkgConfigDiagnoser,
  missingToolDiagnoser,
];
