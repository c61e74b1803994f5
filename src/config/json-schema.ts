import { z } from "zod";
import { configSchema } from "./schema.js";

/** The JSON Schema for editors, generated from the zod schema (input side: defaults are optional). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: "https://github.com/orchestrator/orchestrator/schema/orchestrator.schema.json",
    title: "orchestrator repository config (.github/orchestrator.yml)",
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
