import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dockerReadiness, elfLinkage } from "../../../src/cli/demo/preflight.js";
import { freePort } from "../../runner/stack.js";

const dir = mkdtempSync(join(tmpdir(), "orch-preflight-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("elfLinkage", () => {
  it("tells a file that is not an executable, and a missing one", async () => {
    const text = join(dir, "busybox");
    writeFileSync(text, "#!/bin/sh\necho not a binary\n");
    expect(await elfLinkage(text)).toBe("not an ELF executable");
    expect(await elfLinkage(join(dir, "absent"))).toBe("not found");
  });

  it("tells a dynamically linked executable (this node) from a static one (a built ELF without PT_INTERP)", async () => {
    expect(await elfLinkage(process.execPath)).toBe("dynamically linked");
    // A minimal 64-bit ELF header with one PT_LOAD program header and no PT_INTERP.
    const elf = Buffer.alloc(64 + 56);
    elf.writeUInt32BE(0x7f454c46, 0);
    elf[4] = 2;
    elf[5] = 1;
    elf.writeBigUInt64LE(64n, 0x20);
    elf.writeUInt16LE(56, 0x36);
    elf.writeUInt16LE(1, 0x38);
    elf.writeUInt32LE(1, 64);
    const path = join(dir, "static");
    writeFileSync(path, elf);
    expect(await elfLinkage(path)).toBe("static");
  });
});

describe("dockerReadiness", () => {
  it("names the engine address it could not reach", async () => {
    const port = await freePort();
    const readiness = await dockerReadiness({ DOCKER_HOST: `tcp://127.0.0.1:${port}` });
    expect(readiness.ok).toBe(false);
    expect(!readiness.ok && readiness.reason).toContain(
      `no Docker engine answers at tcp://127.0.0.1:${port}`,
    );
  });
});
