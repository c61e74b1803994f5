/**
 * A small StatsD client over UDP: counters (`|c`), timings (`|ms`) and gauges (`|g`), each one
 * datagram, fire-and-forget (a lost packet never slows or fails the process). Names are
 * `<prefix>.<name>`; each dot-separated segment is cut to `[A-Za-z0-9_-]` so a service or step name
 * cannot add a level or break the line format.
 */
import { createSocket, type Socket } from "node:dgram";

export interface Statsd {
  increment(name: string, value?: number): void;
  timing(name: string, ms: number): void;
  gauge(name: string, value: number): void;
  close(): void;
}

export interface StatsdSettings {
  host: string;
  port: number;
  prefix: string;
}

export const DEFAULT_STATSD_PREFIX = "orchestrator";

/** `STATSD_HOST` / `STATSD_PORT` / `STATSD_PREFIX`; null when unset. A bad value is an error naming it. */
export function statsdSettingsFrom(env: NodeJS.ProcessEnv): StatsdSettings | null {
  const host = env.STATSD_HOST?.trim();
  const portText = env.STATSD_PORT?.trim();
  if (!host && !portText) return null;
  if (!host) throw new Error("STATSD_PORT is set but STATSD_HOST is not: set both, or neither");
  const port = Number(portText || "8125");
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`STATSD_PORT must be a port number 1-65535, got '${portText}'`);
  const prefix = env.STATSD_PREFIX?.trim() ?? DEFAULT_STATSD_PREFIX;
  if (prefix && !/^[A-Za-z0-9_.-]+$/.test(prefix))
    throw new Error(`STATSD_PREFIX may hold letters, digits, '.', '_' and '-' only, got '${prefix}'`);
  return { host, port, prefix: prefix.replace(/\.+$/, "") };
}

/** A metric name's segment made safe: anything but `[A-Za-z0-9_-]` becomes `_`. */
export function statsdSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_") || "_";
}

/** The StatsD line for one sample. Pure. */
export function statsdLine(prefix: string, name: string, value: number, type: "c" | "ms" | "g"): string {
  const full = [prefix, ...name.split(".")]
    .filter((s) => s !== "")
    .map(statsdSegment)
    .join(".");
  const number = type === "c" ? Math.round(value) : Math.round(value * 1000) / 1000;
  return `${full}:${number}|${type}`;
}

export function createStatsd(settings: StatsdSettings): Statsd {
  let socket: Socket | null = createSocket(settings.host.includes(":") ? "udp6" : "udp4");
  socket.unref();
  // A refused datagram (nobody listening) surfaces as an async error on the socket: ignore it.
  socket.on("error", () => {});
  const send = (line: string) => {
    socket?.send(line, settings.port, settings.host, () => {});
  };
  return {
    increment: (name, value = 1) => send(statsdLine(settings.prefix, name, value, "c")),
    timing: (name, ms) => send(statsdLine(settings.prefix, name, ms, "ms")),
    gauge: (name, value) => send(statsdLine(settings.prefix, name, value, "g")),
    close() {
      socket?.close();
      socket = null;
    },
  };
}

/** A Statsd that sends nothing (no STATSD_HOST). */
export const NO_STATSD: Statsd = { increment() {}, timing() {}, gauge() {}, close() {} };
