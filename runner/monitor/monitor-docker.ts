/**
 * The engine as the monitor uses it, through its own thin Engine API client (engine-api.ts, not
 * dockerode: see there why), plus a container restart for `restart_on_failure`. Built to cost little at
 * 20 services a second:
 * - a round's checks share one container list of the project (they ask within milliseconds of each
 *   other) instead of one list each;
 * - a container's inspect is reused while Docker's events stream for the project is open and has said
 *   nothing about that container since (a die, start, restart, health change or destroy drops it), and
 *   while the fresh list still agrees with it (state and health). Without a live stream every check
 *   inspects, as before.
 */
import type { IncomingMessage } from "node:http";
import { parseEventLines } from "../docker/events.js";
import { toContainerState, type ContainerState } from "../docker/state.js";
import type { MonitorDocker } from "./checker.js";
import { createEngineApi, type ListedContainer } from "./engine-api.js";

/** How long one project list serves the checks that ask for it (well under any check interval). */
export const SHARED_LIST_MS = 250;
/** After the events stream failed to open or ended, how long before a check tries it again. */
const EVENTS_RETRY_MS = 5_000;

type Listed = ListedContainer[];
type EventStream = IncomingMessage;

interface EventsFeed {
  project: string;
  live: boolean;
  stream: EventStream | null;
}

export function createMonitorDocker(
  env: NodeJS.ProcessEnv = process.env,
  options: { now?: () => number } = {},
): MonitorDocker & { endpoint: string } {
  const api = createEngineApi(env);
  const now = options.now ?? (() => performance.now());
  let shared: { project: string; at: number; list: Promise<Listed> } | null = null;
  let feed: EventsFeed | null = null;
  let feedRetryAt = 0;
  let closed = false;
  /** Inspects reusable while `feed` is live, by container id; events count up in `seq`. */
  const inspected = new Map<string, ContainerState>();
  const lastEvent = new Map<string, number>();
  let seq = 0;

  function dropFeed(entry: EventsFeed) {
    if (feed !== entry) return;
    feed = null;
    feedRetryAt = now() + EVENTS_RETRY_MS;
    inspected.clear();
    entry.stream?.destroy();
  }

  function watchEvents(project: string): void {
    if (closed || (feed && feed.project === project)) return;
    if (feed) dropFeed(feed);
    if (now() < feedRetryAt) return;
    const entry: EventsFeed = { project, live: false, stream: null };
    feed = entry;
    // An engine that never answers the subscription fails the call at its deadline: tried again later.
    const opening = api.events([`com.docker.compose.project=${project}`]);
    opening.then(
      (stream) => {
        entry.stream = stream;
        if (feed !== entry) return stream.destroy();
        // The stream only makes inspects reusable: it never keeps the process alive (engine-api.ts).
        let pending = "";
        stream.setEncoding("utf8");
        stream.on("data", (chunk: string | Buffer) => {
          const parsed = parseEventLines(pending + chunk.toString());
          pending = parsed.rest.slice(-64 * 1024);
          for (const event of parsed.events) {
            seq += 1;
            inspected.delete(event.containerId);
            if (event.action === "destroy") lastEvent.delete(event.containerId);
            else lastEvent.set(event.containerId, seq);
          }
        });
        const down = () => dropFeed(entry);
        stream.on("error", down);
        stream.on("end", down);
        stream.on("close", down);
        entry.live = true;
      },
      () => dropFeed(entry),
    );
  }

  async function inspect(id: string, listedAs: ListedContainer): Promise<ContainerState | null> {
    const reusable = feed?.live ? inspected.get(id) : undefined;
    if (reusable && agrees(reusable, listedAs)) return reusable;
    const before = seq;
    const live = feed;
    const found = await api.inspectContainer(id);
    const state = found ? toContainerState(found) : null;
    // Kept only when the stream was live throughout and said nothing about the container meanwhile.
    if (state && live?.live && feed === live && (lastEvent.get(id) ?? 0) <= before) {
      if (inspected.size > 1000) inspected.clear();
      inspected.set(id, state);
    }
    return state;
  }

  function projectList(project: string): Promise<Listed> {
    if (shared && shared.project === project && now() - shared.at < SHARED_LIST_MS) return shared.list;
    const list = api.listContainers([`com.docker.compose.project=${project}`]);
    const entry = { project, at: now(), list };
    shared = entry;
    // A failed list is not shared: the next check asks again.
    list.catch(() => {
      if (shared === entry) shared = null;
    });
    return list;
  }

  async function findServiceContainer(project: string, service: string): Promise<ContainerState | null> {
    // An unreachable or stuck engine rejects with the endpoint named (engine-api.ts).
    const listed = await projectList(project);
    watchEvents(project);
    const chosen = chooseServiceContainer(listed, service);
    return chosen ? inspect(chosen.Id, chosen) : null;
  }

  return {
    endpoint: api.endpoint,
    ping: () => api.ping(),
    findServiceContainer,
    logsTail: (id, lines) => api.logsTail(id, lines),
    async restartContainer(id) {
      await api.restartContainer(id, 5);
    },
    close() {
      closed = true;
      if (feed) dropFeed(feed);
      api.close();
    },
  };
}

/** Docker's list words a container's health in its status: `Up 5 minutes (healthy)`. */
function listedHealth(status: string | undefined): ContainerState["health"] {
  const word = /\((healthy|unhealthy|health: starting)\)/.exec(status ?? "")?.[1];
  return word === "health: starting" ? "starting" : ((word as "healthy" | "unhealthy" | undefined) ?? "none");
}

/** A kept inspect still describes the listed container (its state word and health match). */
export function agrees(state: ContainerState, listed: ListedContainer): boolean {
  return (
    state.id === listed.Id && state.status === listed.State && state.health === listedHealth(listed.Status)
  );
}

/** The service's container in a project list: not a one-off (`run`), a running one first, then the newest. */
export function chooseServiceContainer(listed: Listed, service: string): ListedContainer | null {
  return (
    listed
      .filter(
        (c) =>
          c.Labels?.["com.docker.compose.service"] === service &&
          c.Labels["com.docker.compose.oneoff"] !== "True",
      )
      .sort(
        (a, b) => Number(b.State === "running") - Number(a.State === "running") || b.Created - a.Created,
      )[0] ?? null
  );
}
