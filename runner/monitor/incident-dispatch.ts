/** Sends a monitor incident to the app as the `orchestrator.runtime_failure` dispatch (thin I/O). */
import type { RepoClient } from "../../github/repo-client.js";
import { sendRepositoryDispatch } from "../github/report/send-dispatch.js";
import { RUNTIME_FAILURE_EVENT } from "../../contract/runtime-failure.js";
import { incidentPayload } from "./incident-payload.js";
import type { IncidentReport } from "./monitor.js";
import type { Incident } from "./service-record.js";

export function incidentDispatcher(
  gh: RepoClient,
  enabled: boolean,
): (service: string, incident: Incident, logsTail: string) => Promise<IncidentReport> {
  return async (service, incident, logsTail) => {
    if (!enabled) return { sent: false, reason: "RUNNER_DISPATCH_RUNTIME_FAILURES is off" };
    const decision = incidentPayload(service, incident, logsTail);
    if (!decision.send) return { sent: false, reason: decision.reason };
    await sendRepositoryDispatch(gh, RUNTIME_FAILURE_EVENT, decision.payload);
    return { sent: true };
  };
}
