/**
 * The `repository_dispatch` the runner sends when a deployed container crashed (or the monitor saw
 * it crash later): the app diagnoses the log as a CI failure of the service.
 */
import { z } from "zod";
import { SERVICE_NAME } from "./service-name.js";

export const RUNTIME_FAILURE_EVENT = "orchestrator.runtime_failure";

/**
 * GitHub's limits for `client_payload` (REST "Create a repository dispatch event", OpenAPI schema of
 * POST /repos/{owner}/{repo}/dispatches): "The maximum number of top-level properties is 10. The total
 * size of the JSON payload must be less than 64KB." We send at most three keys and keep the serialized
 * payload at 60,000 bytes, well under the cap.
 */
export const MAX_CLIENT_PAYLOAD_BYTES = 60_000;

/** The `client_payload`: the service and its redacted log tail (the monitor adds a `cause`). */
export const runtimeFailurePayloadSchema = z.object({
  service: z.string().regex(SERVICE_NAME),
  log: z.string().min(1),
});
export type RuntimeFailurePayload = z.output<typeof runtimeFailurePayloadSchema>;
