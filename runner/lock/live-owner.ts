import { hostname } from "node:os";
import { processStartTime } from "./identity.js";
import { pidAlive } from "./stale.js";

/** What a journal's run-start or a lock says about the process that owns it. */
export interface OwnerRecord {
  pid: number;
  hostname: string;
  /** /proc start time of the owner when it was recorded; absent in older records. */
  startTime?: string | null;
}

/**
 * Whether the owner is another process on this host that is still running. A live pid whose start
 * time differs from the recorded one is a later process that got the same pid: the owner is gone.
 */
export function ownedByOtherLiveProcess(owner: OwnerRecord): boolean {
  if (owner.hostname !== hostname() || owner.pid === process.pid || !pidAlive(owner.pid)) return false;
  if (!owner.startTime) return true;
  const now = processStartTime(owner.pid);
  return now === null || now === owner.startTime;
}
