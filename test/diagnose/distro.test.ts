import { describe, expect, it } from "vitest";
import { DistroDetector, distroOfImage, distroOfLine, isBusyboxNotFound } from "../../src/diagnose/distro.js";
import { diagnoseLog } from "../../src/diagnose/diagnose.js";

describe("distro: which names a system package gets", () => {
  it.each([
    ["python:3.12-alpine", "alpine"],
    ["node:20-bookworm-slim", "debian"],
    ["python:3.11", "debian"],
    ["ubuntu:22.04", "ubuntu"],
    ["ghcr.io/acme/base:1", null],
  ])("image %s -> %s", (image, name) => {
    expect(distroOfImage(image)).toBe(name);
  });

  it.each([
    ["Step 1/7 : FROM node:8.12-alpine", "alpine"],
    ["#5 0.311 fetch https://dl-cdn.alpinelinux.org/alpine/v3.18/main/x86_64/APKINDEX.tar.gz", "alpine"],
    ["RUN apt-get update && apt-get install -y gcc", "debian"],
    ["Get:1 http://archive.ubuntu.com/ubuntu jammy InRelease", "ubuntu"],
    ["Collecting alpine-theme==1.0", null],
  ])("log line %s -> %s", (line, name) => {
    expect(distroOfLine(line)).toBe(name);
  });

  it("prefers the Dockerfile base over the log, and says when Debian was only assumed", () => {
    const detector = new DistroDetector("python:3.12-alpine");
    detector.observe("RUN apt-get install -y curl");
    expect(detector.choice()).toEqual({
      name: "alpine",
      source: "dockerfile",
      evidence: "FROM python:3.12-alpine",
    });
    expect(new DistroDetector().choice()).toEqual({ name: "debian", source: "assumed" });
  });

  it("names Alpine packages for an Alpine image and lowers no confidence for it", async () => {
    const log = "fatal error: zlib.h: No such file or directory\n";
    const alpine = await diagnoseLog(log, { dockerBase: "node:20-alpine" });
    expect(alpine.finding).toMatchObject({ ecosystem: "alpine", package: "zlib-dev", confidence: 0.9 });
    expect(alpine.distro?.source).toBe("dockerfile");
    const assumed = await diagnoseLog(log);
    expect(assumed.finding).toMatchObject({ ecosystem: "debian", package: "zlib1g-dev", confidence: 0.81 });
    expect(assumed.reason).toContain("Debian names assumed");
  });

  it.each([
    ["/bin/sh: mysql_config: not found", true],
    ["sh: mysql_config: not found", true],
    ["    /bin/sh: mysql_config: not found", true],
    ["./build.sh: line 3: cmake: not found", true],
    // dash (Debian, Ubuntu) numbers the line; bash says "command not found"; bash's exec has one more field
    ["/bin/sh: 1: mysql_config: not found", false],
    ["#22 57.88       /bin/sh: 1: pkg-config: not found", false],
    ["/bin/sh: mysql_config: command not found", false],
    ["bash: line 1: curl: command not found", false],
    ["/usr/local/bin/docker-entrypoint.sh: line 134: exec: mysql_config_editor: not found", false],
    ["OSError: mysql_config not found", false],
  ])("busybox's wording: %s -> %s", (line, busybox) => {
    expect(isBusyboxNotFound(line)).toBe(busybox);
  });

  it("takes busybox's wording for Alpine only when no line or Dockerfile names a distribution", async () => {
    const error = "/bin/sh: mysql_config: not found\nOSError: mysql_config not found\n";
    const weak = await diagnoseLog(error);
    expect(weak.finding).toMatchObject({ ecosystem: "alpine", package: "mariadb-dev", confidence: 0.81 });
    expect(weak.distro).toMatchObject({ name: "alpine", source: "log", weak: true });
    expect(weak.reason).toContain("only busybox's");
    // A line that names the distribution wins, even an earlier one.
    const named = await diagnoseLog(`RUN apt-get update && apt-get install -y gcc\n${error}`);
    expect(named.finding).toMatchObject({ ecosystem: "debian", package: "default-libmysqlclient-dev" });
    expect(named.distro).toMatchObject({ name: "debian", source: "log" });
    expect(named.distro?.weak).toBeUndefined();
    const dockerfile = await diagnoseLog(error, { dockerBase: "python:3.12-slim" });
    expect(dockerfile.distro).toMatchObject({ name: "debian", source: "dockerfile" });
    // dash's wording is no sign of Alpine: Debian stays assumed.
    const dash = await diagnoseLog("/bin/sh: 1: mysql_config: not found\n");
    expect(dash.distro).toEqual({ name: "debian", source: "assumed" });
  });
});
