import { describe, expect, it } from "vitest";
import {
  containerHealthUrl,
  missingAliases,
  newReplicas,
  pickAddress,
  serviceAliases,
  servingNetworks,
} from "../../../runner/strategy/switch-state.js";

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

describe("service aliases (the DNS names a new container gets only once verified)", () => {
  const id = "0123456789abcdef0123";
  it("keeps the service's aliases and drops the container's own (v1 short id, v2 container name)", () => {
    expect(serviceAliases(["web", "0123456789ab"], { id, name: "p_web_1" })).toEqual(["web"]);
    expect(serviceAliases(["p-web-1", "web", "api"], { id, name: "p-web-1" })).toEqual(["web", "api"]);
    expect(serviceAliases(null, { id, name: "p_web_1" })).toEqual([]);
  });
  it("copies an old container's networks and aliases; null old gives nothing", () => {
    const old = {
      id,
      name: "p_web_1",
      networks: { p_default: ["web", "0123456789ab"], p_back: ["web", "db-client"] },
    };
    expect(servingNetworks(old)).toEqual({ p_default: ["web"], p_back: ["web", "db-client"] });
    expect(servingNetworks(null)).toEqual({});
  });
  it("names the networks where a container lacks an alias or is not attached", () => {
    const wanted = { p_default: ["web"], p_back: ["web", "db-client"] };
    expect(missingAliases({ p_default: ["abc"], p_back: ["web", "db-client", "abc"] }, wanted)).toEqual([
      "p_default",
    ]);
    expect(missingAliases({ p_default: ["web", "abc"] }, wanted)).toEqual(["p_back"]);
    expect(missingAliases({ p_default: ["web"], p_back: ["db-client", "web"] }, wanted)).toEqual([]);
  });
});
