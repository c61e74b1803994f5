// Regenerates schema/orchestrator.schema.json from the zod schema. A test fails when it is stale.
import { writeFileSync } from "node:fs";
import { configJsonSchemaText } from "../src/config/json-schema.js";

const target = new URL("../schema/orchestrator.schema.json", import.meta.url);
writeFileSync(target, configJsonSchemaText());
console.log(`wrote ${target.pathname}`);
