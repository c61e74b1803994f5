import { KNOWN_TYPES_PACKAGES } from "../data/types-packages.js";
import type { Diagnoser, Observation, Resolution } from "../diagnoser.js";
import { resolveNodeModule } from "../names/node-name.js";

/** `@scope/pkg` -> `@types/scope__pkg`, `pkg` -> `@types/pkg`. */
export function typesPackage(name: string): string {
  return `@types/${name.startsWith("@") ? name.slice(1).replace("/", "__") : name}`;
}

const TS2688 = /TS2688: Cannot find type definition file for '([^']+)'/;
const TS7016 = /Could not find a declaration file for module '([^']+)'/;

/**
 * TypeScript's missing type packages. TS2688 names a type library the configuration (or a dependency's
 * `/// <reference types>`) requires: `@types/<name>`. TS7016 only suggests `@types/x` "if it exists", so
 * it is fixed for well-known type packages only.
 */
export const typescriptTypesDiagnoser: Diagnoser = {
  name: "typescript-types",
  kind: "node_module",
  triggers: ["TS2688", "Could not find a declaration file"],
  match(line, context): Observation | null {
    const ts2688 = TS2688.exec(line);
    if (ts2688) {
      const name = ts2688[1]!;
      const evidence = [line];
      const implicit = context.after.slice(0, 3).find((l) => /Entry point for implicit type library/.test(l));
      if (implicit) {
        evidence.push(implicit);
        return {
          missing: typesPackage(name),
          evidence,
          notFixable: `'${name}' is an implicit type library: a folder under a node_modules/@types that holds no types (often a stray node_modules higher up), not a package to add`,
        };
      }
      return { missing: typesPackage(name), evidence };
    }
    const ts7016 = TS7016.exec(line);
    if (!ts7016) return null;
    const name = ts7016[1]!;
    const evidence = [line];
    const exportsHint = context.after.slice(0, 2).find((l) => /There are types at/.test(l));
    if (exportsHint) {
      evidence.push(exportsHint);
      return {
        missing: typesPackage(name),
        evidence,
        notFixable: `'${name}' ships types that its package.json "exports" hides: a packaging bug of '${name}', not a missing package`,
      };
    }
    if (!KNOWN_TYPES_PACKAGES.has(name)) {
      return {
        missing: typesPackage(name),
        evidence,
        notFixable: `TypeScript only suggests ${typesPackage(name)} "if it exists", and it is not a well-known type package: declare the module in a .d.ts file instead`,
      };
    }
    return { missing: typesPackage(name), evidence };
  },
  resolve(missing, context): Resolution {
    return resolveNodeModule(missing, context);
  },
};
