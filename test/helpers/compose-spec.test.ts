import { describe, expect, it } from "vitest";
import { composeSpecErrors } from "./compose-spec.js";

describe("composeSpecErrors", () => {
  const valid = {
    services: {
      web: {
        image: "nginx",
        ports: ["8080:80", "127.0.0.1:9000-9001:9000-9001/udp", 443],
        expose: ["3000", "4000-4001/tcp"],
        healthcheck: { interval: "1m30s", timeout: "5s", start_period: "0" },
      },
    },
    networks: { back: { ipam: { config: [{ subnet: "10.5.0.0/16" }] } } },
  };

  it("accepts a file using the specification's own formats", () => {
    expect(composeSpecErrors(valid)).toEqual([]);
  });

  it.each([
    [
      "an unknown service key",
      { image: "nginx", restrat: "always" },
      "/services/web: must NOT have additional properties (restrat)",
    ],
    [
      "a bad duration",
      { image: "nginx", healthcheck: { interval: "ten seconds" } },
      "/services/web/healthcheck/interval",
    ],
    ["a bad port", { image: "nginx", ports: ["80:http"] }, "/services/web/ports/0"],
    ["a bad expose", { image: "nginx", expose: ["3000:3000"] }, "/services/web/expose/0"],
  ])("rejects %s, naming where", (_what, web, expected) => {
    const errors = composeSpecErrors({ services: { web } });
    expect(errors.join("\n")).toContain(expected);
  });
});
