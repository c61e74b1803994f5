import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnoseLog } from "../../src/diagnose/diagnose.js";
import { diagnoseFile } from "../../src/diagnose/diagnose-file.js";
import { BinaryLogError, binaryReason } from "../../src/diagnose/input-check.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "diagnose-file-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ERROR = "ModuleNotFoundError: No module named 'yaml'\n";

describe("diagnoseFile: logs above the size cap are read from their end", () => {
  it("finds the error at the end of a log twice the cap, says what it skipped and drops the cut line", async () => {
    const noise = "Collecting requests==2.31.0 (from -r requirements.txt (line 3))\n".repeat(2000);
    const path = join(dir, "big.log");
    // The first line is a fixable error that must NOT be read: only the tail counts.
    await writeFile(path, `Error: Cannot find module 'axios'\n${noise}${ERROR}`);
    const maxBytes = Math.floor(noise.length / 2);
    const diagnosis = await diagnoseFile(path, { maxBytes });
    expect(diagnosis.finding?.package).toBe("PyYAML");
    expect(diagnosis.truncated).toBe(true);
    expect(diagnosis.bytesRead).toBe(maxBytes);
    expect(diagnosis.reason).toMatch(/above the size cap: read only its last .*; the first .* were skipped/);
  });

  it("reads a log under the cap whole", async () => {
    const path = join(dir, "small.log");
    await writeFile(path, `Error: Cannot find module 'axios'\n${ERROR}`);
    const diagnosis = await diagnoseFile(path, { maxBytes: 1 << 20 });
    expect(diagnosis.truncated).toBe(false);
    expect(diagnosis.reason).not.toMatch(/size cap/);
  });
});

describe("binary and compressed input is a clear error", () => {
  it.each([
    ["gzip", gzipSync(Buffer.from(ERROR)), /gzip-compressed/],
    ["zip", Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(ERROR)]), /zip archive/],
    ["NUL bytes", Buffer.from(`abc\0def\n${ERROR}`), /NUL bytes/],
  ])("refuses %s from a file, naming it", async (_kind, bytes, reason) => {
    const path = join(dir, "binary.log");
    await writeFile(path, bytes);
    const error = await diagnoseFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BinaryLogError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toContain("binary.log");
  });

  it("refuses a compressed stream before reading it", async () => {
    await expect(diagnoseLog(Readable.from([gzipSync(Buffer.from(ERROR))]))).rejects.toThrow(
      /gzip-compressed/,
    );
  });

  it("lets UTF-8 text through, accents and all", () => {
    expect(
      binaryReason(Buffer.from("fatal error: zlib.h: Aucun fichier ou dossier de ce type — é\n")),
    ).toBeNull();
  });
});
