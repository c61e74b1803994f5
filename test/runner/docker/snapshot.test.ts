import { describe, expect, it } from "vitest";
import { snapshotFromInspect } from "../../../runner/docker/snapshot.js";

const ID = `3f2a9c${"0".repeat(58)}`;

function inspect(over: Record<string, unknown> = {}) {
  return {
    Id: ID,
    Name: "/shop_web_1",
    Image: "sha256:old",
    Config: {
      Hostname: ID.slice(0, 12),
      Env: ["PATH=/bin", "TOKEN=x"],
      Cmd: ["/bin/sh", "/start.sh"],
      Labels: { "com.docker.compose.project": "shop", "com.docker.compose.service": "web" },
      Image: "shop_web",
    },
    HostConfig: { RestartPolicy: { Name: "always" }, PortBindings: { "8080/tcp": [{ HostPort: "8000" }] } },
    Mounts: [{ Type: "bind", Name: "" }],
    NetworkSettings: {
      Networks: {
        shop_default: { Aliases: ["web", ID.slice(0, 12)], Links: null, IPAMConfig: null },
        shop_back: { Aliases: ["web"], Links: ["db:db"], IPAMConfig: null },
      },
    },
    ...over,
  };
}

describe("snapshotFromInspect", () => {
  it("keeps the container's own config, name, host config and networks, on its image id", () => {
    const taken = snapshotFromInspect(inspect());
    expect(taken.ok).toBe(true);
    if (!taken.ok) return;
    const { snapshot } = taken;
    expect(snapshot.name).toBe("shop_web_1");
    expect(snapshot.imageId).toBe("sha256:old");
    expect(snapshot.create).toEqual({
      name: "shop_web_1",
      Image: "sha256:old",
      Env: ["PATH=/bin", "TOKEN=x"],
      Cmd: ["/bin/sh", "/start.sh"],
      Labels: { "com.docker.compose.project": "shop", "com.docker.compose.service": "web" },
      HostConfig: { RestartPolicy: { Name: "always" }, PortBindings: { "8080/tcp": [{ HostPort: "8000" }] } },
      // One network at create (the API's limit); the short-id alias and the default hostname dropped.
      NetworkingConfig: { EndpointsConfig: { shop_default: { Aliases: ["web"] } } },
    });
    expect(snapshot.extraNetworks).toEqual({ shop_back: { Aliases: ["web"], Links: ["db:db"] } });
  });

  it("keeps a hostname the service set itself", () => {
    const taken = snapshotFromInspect(inspect({ Config: { ...inspect().Config, Hostname: "web.local" } }));
    expect(taken.ok && taken.snapshot.create.Hostname).toBe("web.local");
  });

  it("refuses containers with anonymous volumes and incomplete inspect data, saying why", () => {
    expect(snapshotFromInspect(inspect({ Mounts: [{ Type: "volume", Name: "a".repeat(64) }] }))).toEqual({
      ok: false,
      why: "the container has 1 anonymous volume(s) Compose must carry over",
    });
    expect(snapshotFromInspect(inspect({ Mounts: [{ Type: "volume", Name: "shop_data" }] })).ok).toBe(true);
    expect(snapshotFromInspect({ Id: ID })).toEqual({
      ok: false,
      why: "the inspect data lacks the id, name, image or config",
    });
  });
});
