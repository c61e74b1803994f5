import { readdirSync, readFileSync } from "node:fs";

/**
 * The live descendants of a process (children, their children, ...), from /proc (Linux). The demo's
 * interrupt handler stops the compose and docker commands the runner's pipeline started. Elsewhere
 * (no /proc) it finds none, and the clean-up relies on `compose down` alone.
 */
export function descendants(root: number = process.pid, procDir = "/proc"): number[] {
  let entries: string[];
  try {
    entries = readdirSync(procDir);
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(readStat(`${procDir}/${entry}/stat`));
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** The parent pid in a /proc/<pid>/stat line (after the command name, which may hold spaces and ')'). */
export function parentOf(stat: string | null): number | null {
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is the state; a zombie has exited already and needs no signal.
  if (fields[0] === "Z") return null;
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

function readStat(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/**
 * Stops every descendant: SIGTERM, then SIGKILL for those still there after `graceMs`; repeats until a
 * scan finds none (the pipeline may start its next command meanwhile) or `deadlineMs` passes.
 * Returns how many processes were signalled.
 */
export async function stopDescendants(opts: { graceMs?: number; deadlineMs?: number } = {}): Promise<number> {
  const grace = opts.graceMs ?? 3000;
  const deadline = Date.now() + (opts.deadlineMs ?? 20_000);
  const signalled = new Set<number>();
  const send = (pid: number, signal: NodeJS.Signals) => {
    try {
      process.kill(pid, signal);
      signalled.add(pid);
    } catch {
      // already gone
    }
  };
  for (;;) {
    const pids = descendants();
    if (pids.length === 0 || Date.now() > deadline) break;
    for (const pid of pids) send(pid, "SIGTERM");
    const until = Date.now() + grace;
    while (Date.now() < until && descendants().some((pid) => pids.includes(pid)))
      await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pid of descendants()) if (pids.includes(pid)) send(pid, "SIGKILL");
    // Give the pipeline a moment to notice and, perhaps, start its next command (stopped next pass).
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return signalled.size;
}
