import type { Diagnoser, Observation, Resolution } from "../diagnoser.js";
import { resolveNodeModule } from "../names/node-name.js";

const PATTERNS: { pattern: RegExp; config: boolean }[] = [
  // ESLint 6+: `Failed to load plugin 'react' declared in '.eslintrc.json': Cannot find module 'eslint-plugin-react'`,
  // older: `Failed to load plugin react: Cannot find module 'eslint-plugin-react'`.
  {
    pattern:
      /Failed to load plugin ['"]?[^'"\s:]+['"]?(?: declared in ['"][^'"]*['"])?: Cannot find module ['"]([^'"]+)['"]/,
    config: false,
  },
  { pattern: /ESLint couldn't find the plugin "([^"]+)"/, config: false },
  {
    pattern: /(?:ESLint couldn't find the config|Failed to load config) "([^"]+)" to extend from/,
    config: true,
  },
];

/** The package a shareable-config name lives in (`prettier` -> `eslint-config-prettier`, `@scope` -> `@scope/eslint-config`). */
export function eslintConfigPackage(name: string): string {
  if (name.startsWith("plugin:")) {
    const plugin = name.slice("plugin:".length).split("/")[0]!;
    if (plugin.startsWith("@")) return `${plugin}/eslint-plugin`;
    return plugin.startsWith("eslint-plugin-") ? plugin : `eslint-plugin-${plugin}`;
  }
  if (name.startsWith("@")) {
    const [scope, rest] = name.split("/");
    if (!rest) return `${scope}/eslint-config`;
    return rest.startsWith("eslint-config") ? `${scope}/${rest}` : `${scope}/eslint-config-${rest}`;
  }
  const head = name.split("/")[0]!;
  return head.startsWith("eslint-config-") ? head : `eslint-config-${head}`;
}

/** ESLint plugins and shareable configs the lint configuration names but the project does not install. */
export const eslintPluginDiagnoser: Diagnoser = {
  name: "eslint-plugin",
  kind: "node_module",
  triggers: [
    "Failed to load plugin",
    "couldn't find the plugin",
    "couldn't find the config",
    "Failed to load config",
  ],
  match(line): Observation | null {
    for (const { pattern, config } of PATTERNS) {
      const match = pattern.exec(line);
      if (match) return { missing: config ? eslintConfigPackage(match[1]!) : match[1]!, evidence: [line] };
    }
    return null;
  },
  resolve(missing, context): Resolution {
    if (
      /^(?:@[^/]+\/)?eslint-(plugin|config)-eslint-(?:plugin|config)?/.test(missing) ||
      /eslint-plugin-eslint-/.test(missing)
    ) {
      return {
        fixable: false,
        reason: `'${missing}' doubles ESLint's prefix: the plugin or config name is misspelled in the ESLint configuration`,
      };
    }
    return resolveNodeModule(missing, context);
  },
};
