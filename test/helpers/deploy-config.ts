import { parseConfigText } from "../../src/config/parse.js";
import type { OrchestratorConfig } from "../../src/config/schema.js";

/** A validated config for pure tests (through the real schema, so defaults apply). */
export function testConfig(text: string): OrchestratorConfig {
  const result = parseConfigText(text);
  if (!result.ok) throw new Error(`test config is invalid: ${JSON.stringify(result.errors)}`);
  return result.config;
}

export const TWO_SERVICES = `
services:
  api:
    path: services/api
    environment: production
    protected: true
    approvers: [alice]
  web:
    path: services/web
    environment: staging
deploy:
  required_contexts: [ci/build]
`;
