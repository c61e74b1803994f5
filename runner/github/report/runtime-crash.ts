/**
 * Whether a finished deploy ends in a runtime failure worth sending back to the app, and the
 * `repository_dispatch` payload that says so. Pure: the reporter decides with it, dispatch.ts sends.
 */
import { MAX_CLIENT_PAYLOAD_BYTES, type RuntimeFailurePayload } from "../../../contract/runtime-failure.js";
import { redact } from "../../../src/redact/redactor.js";
import type { DeployResult, ProbeSummary } from "../../journal/events.js";

export interface RuntimeCrash {
  kind: "crash-loop" | "exited";
  /** The verifier's words for it. */
  evidence: string;
}

export type DispatchDecision =
  { send: true; crash: RuntimeCrash; payload: RuntimeFailurePayload } | { send: false; reason: string };

/**
 * The new version's container crashed during verification: it crash-looped or exited, as the
 * verifier's structured `cause` and `crashed` say. Null for everything else: a deploy that passed, a
 * build or restart failure (no verification ran), health-only failures where the container kept
 * running (HTTP or Docker health), which are not runtime crashes and whose logs rarely name a missing
 * dependency, and results journaled before verification carried `crashed` (older runners).
 */
export function runtimeCrash(result: DeployResult): RuntimeCrash | null {
  if (result.status === "success" || result.status === "refused") return null;
  const verify = result.verify;
  if (!verify || verify.ok) return null;
  const reason = verify.reason;
  if (verify.crashed && verify.cause === "crash_loop") return { kind: "crash-loop", evidence: reason };
  if (verify.crashed && verify.cause === "exited") return { kind: "exited", evidence: reason };
  // An HTTP probe can time out while the container restarts between probes; the counts give it away.
  const restarts = restartCounts(verify);
  if (restarts.length > 1 && Math.max(...restarts) > Math.min(...restarts)) {
    return {
      kind: "crash-loop",
      evidence: `restart count went from ${Math.min(...restarts)} to ${Math.max(...restarts)} during verification (${reason})`,
    };
  }
  return null;
}

function restartCounts(verify: ProbeSummary): number[] {
  return verify.probes.flatMap((probe) => (probe.restartCount === undefined ? [] : [probe.restartCount]));
}

/**
 * The payload for a crash: the container's log tail, redacted (again: the redactor may know more
 * secrets now than when the run was journaled), then cut from the front, at a line boundary, until
 * the serialized payload fits `maxBytes`. Redacting before cutting means a cut never leaves half a
 * secret that the patterns no longer recognise.
 */
export function runtimeFailurePayload(
  service: string,
  logsTail: string,
  maxBytes = MAX_CLIENT_PAYLOAD_BYTES,
): RuntimeFailurePayload {
  const full = redact(logsTail.trimEnd());
  const size = (log: string) => Buffer.byteLength(JSON.stringify({ service, log }), "utf8");
  if (size(full) <= maxBytes) return { service, log: full };
  const note = "[earlier log lines cut to fit GitHub's client_payload limit]\n";
  const overhead = size(note);
  if (overhead >= maxBytes) throw new Error(`maxBytes ${maxBytes} cannot hold any log for ${service}`);
  // The serialized size grows with every character kept, so binary-search the longest tail that fits.
  const fits = (keep: number) => size(note + full.slice(full.length - keep)) <= maxBytes;
  let low = 0;
  let high = Math.min(full.length, maxBytes);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  const keep = low;
  let tail = full.slice(full.length - keep);
  const newline = tail.indexOf("\n");
  // Start at a whole line unless that would throw away most of what fits (one huge line).
  if (newline >= 0 && newline < tail.length / 2) tail = tail.slice(newline + 1);
  // Never start with half of a surrogate pair.
  else if (/^[\udc00-\udfff]/.test(tail)) tail = tail.slice(1);
  return { service, log: note + tail };
}

/** Whether to send a runtime failure for this result, and what; `reason` says why not. */
export function decideDispatch(result: DeployResult, enabled: boolean): DispatchDecision {
  if (!enabled) return { send: false, reason: "RUNNER_DISPATCH_RUNTIME_FAILURES is off" };
  const crash = runtimeCrash(result);
  if (!crash) return { send: false, reason: "not a runtime crash of the new version" };
  const tail = result.verify?.logsTail?.trim();
  // verify-service.ts writes "(logs unavailable: ...)" when Docker would not give the logs.
  if (!tail || tail.startsWith("(logs unavailable:"))
    return { send: false, reason: "the crashed container left no log lines to diagnose" };
  return { send: true, crash, payload: runtimeFailurePayload(result.service, tail) };
}
