import { describe, expect, it } from "vitest";
import { serviceSchema } from "../../../src/config/schema.js";
import { DEFAULT_DRAIN_MS, planStrategy, startFirstRefusal } from "../../../runner/strategy/plan.js";
import { readServiceShape } from "../../../runner/strategy/service-shape.js";

const config = (deploy?: Record<string, unknown>) =>
  serviceSchema.parse({ path: "services/web", ...(deploy ? { deploy } : {}) });
const shape = (service: string) =>
  readServiceShape([{ path: "compose.yml", text: `services:\n  web:\n${service}` }], "web");
const plain = shape("    build: .\n");

describe("planStrategy", () => {
  it("defaults to recreate", () => {
    const planned = planStrategy(config(), plain, "web");
    expect(planned.ok && planned.plan.strategy).toBe("recreate");
    expect(planned.ok && planned.plan.source).toBe("default");
  });

  it("takes start-first from orchestrator.yml, with drain, pre-stop and the compose stop grace period", () => {
    const planned = planStrategy(
      config({ strategy: "start-first", drain: "2s", pre_stop: ["/bin/sh", "-c", "rm /www/health"] }),
      shape("    build: .\n    stop_grace_period: 1m30s\n"),
      "web",
    );
    expect(planned).toMatchObject({
      ok: true,
      plan: {
        strategy: "start-first",
        source: "orchestrator.yml",
        drainMs: 2000,
        preStop: ["/bin/sh", "-c", "rm /www/health"],
        stopGraceS: 90,
      },
    });
  });

  it("drains 2 s by default for start-first (proxies caching DNS see the new container first), 0 for recreate", () => {
    const sf = planStrategy(config({ strategy: "start-first" }), shape("    build: .\n"), "web");
    expect(sf.ok && sf.plan.drainMs).toBe(DEFAULT_DRAIN_MS);
    expect(DEFAULT_DRAIN_MS).toBe(2000);
    const zero = planStrategy(
      config({ strategy: "start-first", drain: "0s" }),
      shape("    build: .\n"),
      "web",
    );
    expect(zero.ok && zero.plan.drainMs).toBe(0);
    const rc = planStrategy(config({ strategy: "recreate" }), shape("    build: .\n"), "web");
    expect(rc.ok && rc.plan.drainMs).toBe(0);
  });

  it("honours the compose file's update_config order and monitor when orchestrator.yml says nothing", () => {
    const compose = shape(
      "    build: .\n    deploy:\n      update_config:\n        order: start-first\n        monitor: 15s\n",
    );
    const planned = planStrategy(config(), compose, "web");
    expect(planned).toMatchObject({
      ok: true,
      plan: { strategy: "start-first", source: "compose update_config.order", monitorMs: 15_000 },
    });
    const stopFirst = planStrategy(
      config(),
      shape("    deploy:\n      update_config:\n        order: stop-first\n"),
      "web",
    );
    expect(stopFirst.ok && stopFirst.plan.strategy).toBe("recreate");
  });

  it("lets orchestrator.yml win over the compose order, and says so", () => {
    const compose = shape("    deploy:\n      update_config:\n        order: start-first\n");
    const planned = planStrategy(config({ strategy: "recreate" }), compose, "web");
    expect(planned.ok && planned.plan.strategy).toBe("recreate");
    expect(planned.ok && planned.plan.notes.join("\n")).toContain(
      "wins over the compose file's update_config.order start-first",
    );
  });

  it("rejects unknown compose order / failure_action values, and failure_action continue for start-first", () => {
    const bad = planStrategy(
      config(),
      shape("    deploy:\n      update_config:\n        order: sideways\n"),
      "web",
    );
    expect(bad).toEqual({ ok: false, reason: expect.stringContaining("order is 'sideways'") });
    const action = planStrategy(
      config(),
      shape("    deploy:\n      update_config:\n        failure_action: explode\n"),
      "web",
    );
    expect(action).toEqual({ ok: false, reason: expect.stringContaining("failure_action is 'explode'") });
    const cont = planStrategy(
      config({ strategy: "start-first" }),
      shape("    deploy:\n      update_config:\n        failure_action: continue\n"),
      "web",
    );
    expect(cont).toEqual({
      ok: false,
      reason: expect.stringContaining("'continue' would keep a version that failed verification"),
    });
  });
});

describe("start-first refusals", () => {
  const refuse = (service: string, singleWriter: string[] = []) =>
    planStrategy(
      config({ strategy: "start-first", single_writer_volumes: singleWriter }),
      shape(service),
      "web",
    );

  it("refuses container_name, pointing to the reverse-proxy section", () => {
    const planned = refuse("    container_name: shop-web\n");
    expect(planned.ok).toBe(false);
    expect(!planned.ok && planned.reason).toContain("container_name 'shop-web'");
    expect(!planned.ok && planned.reason).toContain("README section 'Zero-downtime deploys (start-first)'");
  });

  it("refuses fixed host ports in short and long syntax, allows ephemeral ones", () => {
    for (const ports of [
      '"8080:80"',
      '"127.0.0.1:8080:80"',
      "{ target: 80, published: 8080 }",
      '"[::1]:8080:80/tcp"',
    ]) {
      const planned = refuse(`    ports:\n      - ${ports}\n`);
      expect(planned.ok, ports).toBe(false);
      expect(!planned.ok && planned.reason).toContain("two containers cannot bind one port");
    }
    for (const ports of ['"80"', "80", '"127.0.0.1::80"', "{ target: 80 }"])
      expect(refuse(`    ports:\n      - ${ports}\n`).ok, ports).toBe(true);
  });

  it("refuses a writable mount of a volume marked single-writer (by name or path), not a read-only one", () => {
    const byName = refuse("    volumes:\n      - db:/var/lib/data\n", ["db"]);
    expect(!byName.ok && byName.reason).toContain("db:/var/lib/data, marked single-writer");
    expect(
      refuse("    volumes:\n      - type: volume\n        source: db\n        target: /data\n", ["/data"]).ok,
    ).toBe(false);
    expect(refuse("    volumes:\n      - db:/var/lib/data:ro\n", ["db"]).ok).toBe(true);
    expect(refuse("    volumes:\n      - cache:/cache\n", ["db"]).ok).toBe(true);
  });

  it("does not refuse recreate for any of it", () => {
    const planned = planStrategy(
      config({ single_writer_volumes: ["db"] }),
      shape('    container_name: x\n    ports: ["80:80"]\n    volumes: ["db:/d"]\n'),
      "web",
    );
    expect(planned.ok).toBe(true);
  });

  it("startFirstRefusal is null for a plain service", () => {
    expect(startFirstRefusal(plain, "web", [])).toBeNull();
  });
});
