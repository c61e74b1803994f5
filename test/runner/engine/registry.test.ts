import { describe, expect, it } from "vitest";
import { engineFor, engineOfRun, loadEngine } from "../../../runner/engine/registry.js";
import { parseConfigText } from "../../../src/config/parse.js";

describe("engine registry", () => {
  it("the service's engine wins, then RUNNER_ENGINE, then compose", () => {
    expect(engineFor({ engine: "swarm" }, { RUNNER_ENGINE: "compose" })).toBe("swarm");
    expect(engineFor({}, { RUNNER_ENGINE: "swarm" })).toBe("swarm");
    expect(engineFor({}, {})).toBe("compose");
  });

  it("a bad RUNNER_ENGINE is named", () => {
    expect(() => engineFor({}, { RUNNER_ENGINE: "k8s" })).toThrow(
      "RUNNER_ENGINE must be one of compose, swarm, got 'k8s'",
    );
  });

  it("older journals (no engine) are compose runs", () => {
    expect(engineOfRun({})).toBe("compose");
    expect(engineOfRun({ engine: "swarm" })).toBe("swarm");
  });

  it("loads each engine by name; only swarm brings its own recovery", async () => {
    const compose = await loadEngine("compose");
    const swarm = await loadEngine("swarm");
    expect([compose.name, swarm.name]).toEqual(["compose", "swarm"]);
    expect(compose.recover).toBeUndefined();
    expect(typeof swarm.recover).toBe("function");
  });

  it("the config accepts engine and swarm settings and names a bad one", () => {
    const good = parseConfigText(
      "services:\n  web:\n    path: web\n    engine: swarm\n    swarm:\n      stack: shop\n      registry: 127.0.0.1:16120\n",
    );
    expect(good.ok && good.config.services.web).toMatchObject({
      engine: "swarm",
      swarm: { stack: "shop", registry: "127.0.0.1:16120" },
    });
    const bad = parseConfigText("services:\n  web:\n    path: web\n    engine: nomad\n");
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).toContain("engine");
    const scheme = parseConfigText(
      "services:\n  web:\n    path: web\n    swarm:\n      registry: https://r.example\n",
    );
    expect(JSON.stringify(scheme)).toContain("without a scheme");
  });
});
