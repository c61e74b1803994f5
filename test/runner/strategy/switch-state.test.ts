import { describe, expect, it } from "vitest";
import { containerHealthUrl, newReplicas, pickAddress } from "../../../runner/strategy/switch-state.js";

describe("newReplicas", () => {
  it("returns the containers not in the old set, newest first", () => {
    const now = [
      { id: "old", name: "p_web_1", running: true, created: 100 },
      { id: "a", name: "p_web_2", running: true, created: 200 },
      { id: "b", name: "p_web_3", running: false, created: 300 },
    ];
    expect(newReplicas(["old"], now).map((r) => r.id)).toEqual(["b", "a"]);
    expect(newReplicas(["old", "a", "b"], now)).toEqual([]);
  });
});

describe("containerHealthUrl", () => {
  it("swaps the host for the container's address and keeps port, path and query", () => {
    expect(containerHealthUrl("http://web:8080/health?full=1", "172.18.0.5")).toBe(
      "http://172.18.0.5:8080/health?full=1",
    );
    expect(containerHealthUrl("http://127.0.0.1/health", "10.0.0.2")).toBe("http://10.0.0.2/health");
    expect(containerHealthUrl("http://web:80/h", "fd00::5")).toBe("http://[fd00::5]/h");
  });
});

describe("pickAddress", () => {
  it("prefers the project's default network, then any network with an address", () => {
    expect(
      pickAddress("p", { other: { IPAddress: "10.0.0.2" }, p_default: { IPAddress: "172.18.0.3" } }),
    ).toBe("172.18.0.3");
    expect(pickAddress("p", { other: { IPAddress: "", GlobalIPv6Address: "fd00::2" } })).toBe("fd00::2");
    expect(pickAddress("p", {})).toBeNull();
  });
});
