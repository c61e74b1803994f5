import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * Who a process is, in a way a restart cannot repeat: a pid comes back (a runner in a container is PID 1
 * after every restart, on the same hostname), but not together with the same start time, and never
 * with the same random nonce.
 */
export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks after boot (/proc/<pid>/stat field 22); null where there is no /proc. */
  startTime: string | null;
  /** Random per process. */
  nonce: string;
}

/** A process's start time from /proc, or null when it cannot be read (gone, or no /proc). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces and parentheses) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const value = fields[22 - 3];
    return value && /^\d+$/.test(value) ? value : null;
  } catch {
    return null;
  }
}

let self: ProcessIdentity | null = null;

/** This process's identity, computed once. */
export function processIdentity(): ProcessIdentity {
  self ??= {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    nonce: randomBytes(8).toString("hex"),
  };
  return self;
}
