import { describe, expect, it } from "vitest";
import { dockerfilePatcher } from "../../../src/patch/patchers/dockerfile.js";
import type { PatchOutcome } from "../../../src/patch/patcher.js";
import type { VersionLookup } from "../../../src/patch/versions.js";

const versions: VersionLookup = {
  latest: async () => {
    throw new Error("the Dockerfile patcher must not look versions up");
  },
};
const zlib = {
  name: "zlib1g-dev",
  systemPackages: { debian: "zlib1g-dev", alpine: "zlib-dev", rpm: "zlib-devel" },
};
const APT =
  "RUN apt-get update && apt-get install -y --no-install-recommends zlib1g-dev && rm -rf /var/lib/apt/lists/*";

async function patch(
  text: string,
  dep: { name: string; systemPackages?: Record<string, string> } = zlib,
): Promise<PatchOutcome> {
  return dockerfilePatcher.apply(text, dep, { versions, path: "api/Dockerfile" });
}
async function patched(text: string): Promise<string> {
  const outcome = await patch(text);
  if (outcome.status !== "patched") throw new Error(JSON.stringify(outcome));
  return outcome.text;
}

describe("dockerfile patcher", () => {
  it("inserts apt-get before the first COPY of a Debian-based image, after FROM/WORKDIR/ENV", async () => {
    const text = "FROM python:3.12-slim\nENV A=1\nWORKDIR /app\nCOPY . .\nRUN pip install .\n";
    expect(await patched(text)).toBe(
      `FROM python:3.12-slim\nENV A=1\nWORKDIR /app\n${APT}\nCOPY . .\nRUN pip install .\n`,
    );
  });

  it("patches only the final stage of a multi-stage build", async () => {
    const text =
      "FROM node:20 AS build\nCOPY . .\nRUN npm ci\n\nFROM node:20-slim\nCOPY --from=build /app /app\n";
    const out = await patched(text);
    expect(out).toBe(
      `FROM node:20 AS build\nCOPY . .\nRUN npm ci\n\nFROM node:20-slim\n${APT}\nCOPY --from=build /app /app\n`,
    );
  });

  it("resolves stage aliases and ARG defaults to pick apk for an alpine base", async () => {
    const text = "ARG IMG=python:3.12-alpine\nFROM ${IMG} AS base\nFROM base AS app\nCOPY . .\n";
    expect(await patched(text)).toBe(
      "ARG IMG=python:3.12-alpine\nFROM ${IMG} AS base\nFROM base AS app\nRUN apk add --no-cache zlib-dev\nCOPY . .\n",
    );
  });

  it("uses ${VAR:-default} forms and dnf for fedora, yum for centos:7, microdnf for ubi-minimal", async () => {
    expect(await patched("ARG V\nFROM ${V:-fedora:40}\nCOPY . .\n")).toContain(
      "RUN dnf install -y zlib-devel && dnf clean all\nCOPY",
    );
    expect(await patched("FROM centos:7\nCOPY . .\n")).toContain(
      "RUN yum install -y zlib-devel && yum clean all\n",
    );
    expect(await patched("FROM registry.access.redhat.com/ubi9/ubi-minimal\nCOPY . .\n")).toContain(
      "RUN microdnf install -y zlib-devel",
    );
    expect(await patched("FROM rockylinux:9\nCOPY . .\n")).toContain("RUN dnf install -y zlib-devel");
  });

  it("trusts the package manager the file already uses over the image name", async () => {
    const out = await patched("FROM mycorp/base:1\nRUN apk add --no-cache bash\nCOPY . .\n");
    expect(out).toContain("RUN apk add --no-cache zlib-dev\nCOPY");
  });

  it("says 'already present' when the final stage chain installs the package", async () => {
    const text =
      "FROM debian:12 AS base\nRUN apt-get update \\\n  && apt-get install -y \\\n     zlib1g-dev=1:1.2.13 curl\nFROM base\nCOPY . .\n";
    const outcome = await patch(text);
    expect(outcome).toEqual({
      status: "present",
      detail: "api/Dockerfile already installs zlib1g-dev in the final stage",
    });
  });

  it("does not count a package installed in an unrelated builder stage", async () => {
    const text = "FROM debian:12 AS build\nRUN apt-get install -y zlib1g-dev\nFROM debian:12\nCOPY . .\n";
    expect((await patch(text)).status).toBe("patched");
  });

  it("installs above a non-root USER set in the same stage (the build is still root there)", async () => {
    const text = "FROM python:3.12\nWORKDIR /app\nUSER nobody\nCOPY . .\n";
    expect(await patched(text)).toBe(`FROM python:3.12\nWORKDIR /app\n${APT}\nUSER nobody\nCOPY . .\n`);
  });

  it("switches to root and back when the non-root USER comes from a parent stage", async () => {
    const text = "FROM python:3.12 AS base\nUSER app:app\nFROM base\nCOPY . .\n";
    expect(await patched(text)).toBe(
      `FROM python:3.12 AS base\nUSER app:app\nFROM base\nUSER root\n${APT}\nUSER app:app\nCOPY . .\n`,
    );
  });

  it("keeps lowercase instructions, CRLF, indentation and a missing final newline", async () => {
    const text = "from debian:12\r\n    copy . .";
    expect(await patched(text)).toBe(
      "from debian:12\r\n    run apt-get update && apt-get install -y --no-install-recommends zlib1g-dev && rm -rf /var/lib/apt/lists/*\r\n    copy . .",
    );
  });

  it("keeps the comment attached to the COPY below the new line", async () => {
    const text = "FROM debian:12\n\n# application code\nCOPY . .\n";
    expect(await patched(text)).toBe(`FROM debian:12\n\n${APT}\n# application code\nCOPY . .\n`);
  });

  it("does not split a continuation that contains comment lines", async () => {
    const text = "FROM debian:12\nRUN echo a \\\n# inside\n  && echo b\nCOPY . .\n";
    expect(await patched(text)).toBe(
      `FROM debian:12\nRUN echo a \\\n# inside\n  && echo b\n${APT}\nCOPY . .\n`,
    );
  });

  it("honours the escape parser directive", async () => {
    const text = "# escape=`\nFROM debian:12\nRUN apt-get install -y `\n  zlib1g-dev\nCOPY . .\n";
    expect((await patch(text)).status).toBe("present");
  });

  it("goes before CMD when the stage copies nothing, and at the end when there is no CMD either", async () => {
    expect(await patched('FROM debian:12\nRUN true\nCMD ["sh"]\n')).toBe(
      `FROM debian:12\nRUN true\n${APT}\nCMD ["sh"]\n`,
    );
    expect(await patched("FROM debian:12\nRUN true\n")).toBe(`FROM debian:12\nRUN true\n${APT}\n`);
  });

  it("refuses scratch and distroless bases, and families without a known package", async () => {
    expect(await patch("FROM scratch\nCOPY app /\n")).toMatchObject({
      status: "unsupported",
      reason: expect.stringMatching(/scratch.*no package manager/),
    });
    expect(await patch("FROM gcr.io/distroless/python3\nCOPY . .\n")).toMatchObject({
      status: "unsupported",
    });
    const onlyDebian = { name: "libfoo-dev", systemPackages: { debian: "libfoo-dev" } };
    expect(await patch("FROM alpine:3.20\nCOPY . .\n", onlyDebian)).toMatchObject({
      status: "unsupported",
      reason: expect.stringContaining(
        "alpine-based (FROM alpine:3.20) and no alpine package is known for libfoo-dev",
      ),
    });
  });

  it("lists the packages the final image installs (the re-parse the proof uses)", () => {
    const text = [
      "FROM alpine",
      "RUN apk add --no-cache gcc musl-dev=1.2.5-r0 && apk add --virtual .build make",
      "RUN echo apt-get install not-installed; DEBIAN_FRONTEND=noninteractive apt-get install -y curl:amd64",
      "",
    ].join("\n");
    expect(dockerfilePatcher.dependencies(text)).toEqual(["gcc", "musl-dev", "make", "curl"]);
  });
});
