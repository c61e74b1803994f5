import { createHash } from "node:crypto";
import type { Finding } from "../diagnose/finding.js";

/**
 * The identity of a failure: the same service missing the same package is the same fix, whichever
 * run, job or replica saw it. It names the branch, so GitHub itself deduplicates for us.
 */
export function fixFingerprint(service: string, finding: Pick<Finding, "kind" | "package">): string {
  return createHash("sha256")
    .update(`${service}\0${finding.kind}\0${finding.package}`)
    .digest("hex")
    .slice(0, 10);
}
