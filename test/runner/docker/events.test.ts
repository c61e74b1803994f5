import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { idleWatch, parseEventLines, streamWatch } from "../../../runner/docker/events.js";

const line = (action: string, id = "c1", ms = 1_700_000_000_123) =>
  `${JSON.stringify({ Type: "container", Action: action, Actor: { ID: id }, timeNano: ms * 1e6 })}\n`;

describe("parseEventLines", () => {
  it("reads complete JSON lines and keeps the unfinished rest", () => {
    const text = line("health_status: healthy") + line("die", "c2") + '{"Action":"st';
    const { events, rest } = parseEventLines(text);
    expect(events).toEqual([
      { action: "health_status: healthy", containerId: "c1", at: 1_700_000_000_123 },
      { action: "die", containerId: "c2", at: 1_700_000_000_123 },
    ]);
    expect(rest).toBe('{"Action":"st');
  });

  it("skips blank lines, non-JSON and lines without an action; reads the old `status`/`id` fields", () => {
    const { events } = parseEventLines(`\nnot json\n{"Type":"container"}\n{"status":"start","id":"c9"}\n`);
    expect(events.map((e) => [e.action, e.containerId])).toEqual([["start", "c9"]]);
  });
});

describe("streamWatch", () => {
  it("returns queued events at once, wakes a waiter on the next event, and [] after the wait", async () => {
    const stream = new PassThrough();
    const watch = streamWatch(stream);
    stream.write(line("start"));
    await new Promise((resolve) => setImmediate(resolve));
    expect((await watch.next(5_000)).map((e) => e.action)).toEqual(["start"]);

    const started = Date.now();
    const waiting = watch.next(5_000);
    setTimeout(() => stream.write(line("health_status: healthy").slice(0, 20)), 20);
    setTimeout(() => stream.write(line("health_status: healthy").slice(20)), 40);
    expect((await waiting).map((e) => e.action)).toEqual(["health_status: healthy"]);
    expect(Date.now() - started).toBeLessThan(2_000);

    const quiet = Date.now();
    expect(await watch.next(60)).toEqual([]);
    expect(Date.now() - quiet).toBeGreaterThanOrEqual(58);
    expect(watch.live).toBe(true);
    watch.close();
    expect(stream.destroyed).toBe(true);
    expect(watch.live).toBe(false);
  });

  it("an ended stream is no longer live and only sleeps; the waiter is woken when it ends", async () => {
    const stream = new PassThrough();
    const watch = streamWatch(stream);
    const waiting = watch.next(5_000);
    stream.destroy(new Error("socket hang up"));
    expect(await waiting).toEqual([]);
    expect(watch.live).toBe(false);
    expect(watch.why).toBe("events stream failed: socket hang up");
    const started = Date.now();
    expect(await watch.next(50)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(48);
  });
});

describe("idleWatch", () => {
  it("is not live, says why, and sleeps for the wait", async () => {
    const watch = idleWatch("no stream here");
    expect([watch.live, watch.why]).toEqual([false, "no stream here"]);
    const started = Date.now();
    expect(await watch.next(40)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(38);
  });
});
