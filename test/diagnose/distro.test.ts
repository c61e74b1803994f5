import { describe, expect, it } from "vitest";
import { DistroDetector, distroOfImage, distroOfLine } from "../../src/diagnose/distro.js";
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
});
