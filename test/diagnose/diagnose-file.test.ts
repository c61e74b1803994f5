import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnoseLog } from "../../src/diagnose/diagnose.js";
import { diagnoseFile, WINDOW_BYTES } from "../../src/diagnose/diagnose-file.js";
import { loadCorpus } from "../../scripts/eval-diagnosis.js";
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

describe("diagnoseFile: a file is read from its end, window by window", () => {
  it("gives the same verdict as a front-to-back read on every corpus log, across many window edges", async () => {
    const corpus = await loadCorpus();
    for (const fixture of corpus) {
      const path = join(dir, fixture.file);
      await writeFile(path, fixture.log);
      const whole = await diagnoseLog(fixture.log);
      for (const windowBytes of [1024, 4096, WINDOW_BYTES]) {
        const windowed = await diagnoseFile(path, { windowBytes });
        const label = `${fixture.file} (windows of ${windowBytes} bytes)`;
        expect(windowed.finding, label).toEqual(whole.finding);
        expect(windowed.reason, label).toBe(whole.reason);
        expect(windowed.evidence, label).toEqual(whole.evidence);
        expect(windowed.distro, label).toEqual(whole.distro);
        // The tail (service markers) is the newest window's: the same once a window holds it.
        if (windowBytes === WINDOW_BYTES) expect(windowed.serviceHints, label).toEqual(whole.serviceHints);
      }
    }
  }, 120_000);

  it("stops once the last fixable error is known and says how much it read", async () => {
    const noise = "Collecting requests==2.31.0 (from -r requirements.txt (line 3))\n".repeat(20_000);
    const path = join(dir, "early-stop.log");
    await writeFile(path, `Error: Cannot find module 'axios'\n${noise}${ERROR}`);
    const diagnosis = await diagnoseFile(path, { windowBytes: 64 * 1024 });
    expect(diagnosis.finding?.package).toBe("PyYAML");
    expect(diagnosis.truncated).toBe(false);
    // The newest window holds the error; one more window is read before it stops.
    expect(diagnosis.bytesRead).toBeLessThanOrEqual(2 * 64 * 1024);
    expect(diagnosis.bytesRead).toBeGreaterThan(64 * 1024);
  });

  it("reads on while the finding is a system package and no line named the distribution yet", async () => {
    const noise = "Collecting requests==2.31.0 (from -r requirements.txt (line 3))\n".repeat(20_000);
    const path = join(dir, "distro-far.log");
    await writeFile(
      path,
      `Step 1/4 : FROM python:3.12-alpine\n${noise}fatal error: ffi.h: No such file or directory\n`,
    );
    const diagnosis = await diagnoseFile(path, { windowBytes: 64 * 1024 });
    expect(diagnosis.finding).toMatchObject({ package: "libffi-dev", ecosystem: "alpine" });
    expect(diagnosis.distro).toMatchObject({ name: "alpine", source: "log" });
  });

  it("names the system package for a distribution line read only in a newer window than the error", async () => {
    // The first read leaves out the lines that only name a distribution; a system package reads again.
    const noise = "Collecting requests==2.31.0 (from -r requirements.txt (line 3))\n".repeat(5_000);
    const log = `${noise}fatal error: ffi.h: No such file or directory\n${noise}#9 0.412 fetch https://dl-cdn.alpinelinux.org/alpine/v3.19/main/x86_64/APKINDEX.tar.gz\n`;
    const path = join(dir, "distro-after.log");
    await writeFile(path, log);
    const diagnosis = await diagnoseFile(path, { windowBytes: 64 * 1024 });
    expect(diagnosis.finding).toMatchObject({ package: "libffi-dev", ecosystem: "alpine" });
    expect(diagnosis.distro).toMatchObject({ name: "alpine", source: "log" });
    expect(diagnosis.finding).toEqual((await diagnoseLog(log)).finding);
  });

  it("keeps a repeat refused when the requirer that refuses it is in the older window", async () => {
    const filler = "npm info lifecycle left-pad@1.3.0~install: left-pad@1.3.0\n".repeat(30);
    const log = [
      "Error: Cannot find module 'left-pad'",
      "Require stack:",
      "- /app/node_modules/old-lib/index.js",
      filler,
      "build failed: Error: Cannot find module 'left-pad'",
    ].join("\n");
    const path = join(dir, "repeat.log");
    await writeFile(path, `${log}\n`);
    const diagnosis = await diagnoseFile(path, { windowBytes: 1024 });
    expect(diagnosis.finding).toBeNull();
    expect(diagnosis.reason).toContain("required from inside node_modules by 'old-lib'");
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
