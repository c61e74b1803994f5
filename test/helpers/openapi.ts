/**
 * Validates GitHub REST requests against GitHub's own OpenAPI description (`@octokit/openapi`,
 * api.github.com). Used by the nock harness (test/helpers/github.ts) on every intercepted request:
 * the method + path must match an operation, query parameters must be declared by it, and the JSON
 * body must satisfy its requestBody schema.
 */
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const require = createRequire(import.meta.url);

type Json = Record<string, unknown>;

interface Operation {
  operationId: string;
  parameters?: Json[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
}

interface Spec {
  paths: Record<string, Record<string, Operation | unknown>>;
  components: Record<string, Record<string, Json>>;
}

interface Route {
  template: string;
  pattern: RegExp;
  literals: number;
  methods: Record<string, Operation>;
}

export interface RequestValidation {
  ok: boolean;
  /** `operationId (METHOD /template)` when the route is known. */
  operation?: string;
  errors: string[];
}

let spec: Spec | null = null;
let routes: Route[] | null = null;
const validators = new Map<string, ValidateFunction>();
// ajv-formats is CommonJS; its default export is the plugin function under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
addFormats(ajv);

function loadSpec(): Spec {
  spec ??= require("@octokit/openapi/generated/api.github.com.json") as Spec;
  return spec;
}

function loadRoutes(): Route[] {
  if (routes) return routes;
  const { paths } = loadSpec();
  routes = Object.entries(paths).map(([template, item]) => {
    const segments = template.split("/").slice(1);
    const pattern = new RegExp(
      "^/" + segments.map((s) => (/^\{[^}]+\}$/.test(s) ? "[^/]+" : escapeRegExp(s))).join("/") + "$",
    );
    const methods: Record<string, Operation> = {};
    for (const [method, op] of Object.entries(item)) {
      if (op && typeof op === "object" && "operationId" in op)
        methods[method.toUpperCase()] = op as Operation;
    }
    return { template, pattern, literals: segments.filter((s) => !s.startsWith("{")).length, methods };
  });
  return routes;
}

/** The operation for `METHOD /path` (path without query), preferring the most literal template. */
export function findOperation(
  method: string,
  path: string,
): { template: string; operation: Operation } | { error: string } {
  const pathname = path.split("?")[0]!;
  const matches = loadRoutes()
    .filter((r) => r.pattern.test(pathname))
    .sort((a, b) => b.literals - a.literals);
  if (matches.length === 0) return { error: `no GitHub REST operation matches the path ${pathname}` };
  const upper = method.toUpperCase();
  const withMethod = matches.find((r) => r.methods[upper]);
  if (!withMethod) {
    const known = matches.flatMap((r) => Object.keys(r.methods).map((m) => `${m} ${r.template}`));
    return { error: `no ${upper} operation for ${pathname}; the API knows: ${known.join(", ")}` };
  }
  return { template: withMethod.template, operation: withMethod.methods[upper]! };
}

/** Validates one request as nock sees it (`path` may carry a query string; `body` is the raw text). */
export function validateGitHubRequest(
  method: string,
  path: string,
  body: string | undefined,
): RequestValidation {
  const found = findOperation(method, path);
  if ("error" in found) return { ok: false, errors: [found.error] };
  const { template, operation } = found;
  const label = `${operation.operationId} (${method.toUpperCase()} ${template})`;
  const errors: string[] = [];

  const query = new URL(path, "https://api.github.com").searchParams;
  const declared = new Set(
    resolveParameters(operation.parameters ?? [])
      .filter((p) => p.in === "query")
      .map((p) => String(p.name)),
  );
  for (const name of new Set(query.keys())) {
    if (!declared.has(name)) errors.push(`query parameter '${name}' is not declared by ${label}`);
  }

  const text = body ?? "";
  const jsonSchema = operation.requestBody?.content?.["application/json"]?.schema;
  if (text.length === 0) {
    if (operation.requestBody?.required && method.toUpperCase() !== "GET") {
      errors.push(`${label} requires a JSON body and none was sent`);
    }
  } else if (!operation.requestBody) {
    errors.push(`${label} takes no request body, got: ${text.slice(0, 200)}`);
  } else if (jsonSchema) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      errors.push(`${label} expects JSON, got: ${text.slice(0, 200)}`);
    }
    if (parsed !== undefined) {
      const validate = validatorFor(label, jsonSchema);
      if (!validate(parsed)) {
        for (const e of validate.errors ?? []) {
          errors.push(
            `${label} body${e.instancePath || ""} ${e.message ?? "is invalid"} ${JSON.stringify(e.params)}`,
          );
        }
      }
    }
  }
  return { ok: errors.length === 0, operation: label, errors };
}

function validatorFor(label: string, schema: Json): ValidateFunction {
  let validate = validators.get(label);
  if (!validate) {
    // A standalone schema: the body schema plus only the components it (transitively) references.
    const root: Json = { allOf: [schema], components: collectComponents(schema) };
    validate = ajv.compile(root);
    validators.set(label, validate);
  }
  return validate;
}

function collectComponents(schema: Json): Record<string, Record<string, unknown>> {
  const { components } = loadSpec();
  const picked: Record<string, Record<string, unknown>> = {};
  const queue: unknown[] = [schema];
  while (queue.length > 0) {
    const node = queue.pop();
    if (Array.isArray(node)) {
      queue.push(...node);
    } else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string") {
          const match = /^#\/components\/([^/]+)\/(.+)$/.exec(value);
          if (match) {
            const [, kind, name] = match as unknown as [string, string, string];
            const bucket = (picked[kind] ??= {});
            if (!(name in bucket)) {
              const target = components[kind]?.[name];
              if (target === undefined) throw new Error(`OpenAPI $ref ${value} does not resolve`);
              bucket[name] = target;
              queue.push(target);
            }
          }
        } else {
          queue.push(value);
        }
      }
    }
  }
  return picked;
}

function resolveParameters(parameters: Json[]): Json[] {
  const { components } = loadSpec();
  return parameters.map((p) => {
    const ref = typeof p.$ref === "string" ? /^#\/components\/parameters\/(.+)$/.exec(p.$ref) : null;
    return ref ? (components.parameters?.[ref[1]!] ?? p) : p;
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
