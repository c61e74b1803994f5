import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/io.js";
import { checkLogFile } from "../../src/cli/log-file.js";

const dir = mkdtempSync(join(tmpdir(), "orch-logfile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("checkLogFile", () => {
  it("accepts a text log", async () => {
    await expect(
      checkLogFile(file("ok.log", "fatal error: zlib.h: No such file or directory\n")),
    ).resolves.toBe(undefined);
  });

  it.each([
    [
      "missing",
      () => join(dir, "absent.log"),
      /cannot read log file '.*absent\.log': no such file or directory/,
    ],
    [
      "a folder",
      () => (mkdirSync(join(dir, "folder"), { recursive: true }), join(dir, "folder")),
      /not a regular file/,
    ],
    ["empty", () => file("empty.log", ""), /is empty \(0 bytes\)/],
    [
      "gzip",
      () => file("ci.log.gz", gzipSync("fatal error: zlib.h\n")),
      /gzip-compressed \(decompress it first: gunzip -k .*ci\.log\.gz\)/,
    ],
    ["zip", () => file("logs.zip", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0])), /a zip archive/],
    ["xz", () => file("ci.log.xz", Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4])), /xz-compressed/],
    [
      "binary",
      () => file("core", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])),
      /holds NUL bytes/,
    ],
  ])("refuses %s with a UsageError (exit 2) that says what is wrong", async (_what, make, message) => {
    const path = make();
    const error = await checkLogFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });
});

describe("diagnose and fix refuse such logs with exit 2", () => {
  it("names the empty log and the compressed log on stderr", async () => {
    const { main } = await import("../../src/cli/main.js");
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => err.push(t) } };
    expect(await main(["diagnose", "--log", file("empty2.log", "")], io)).toBe(2);
    expect(
      await main(["diagnose", "--log", file("job.zip", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))], io),
    ).toBe(2);
    const repo = join(import.meta.dirname, "../fixtures/repos/stack");
    expect(await main(["fix", "--repo", repo, "--service", "api", "--log", file("empty3.log", "")], io)).toBe(
      2,
    );
    expect(err.join("")).toMatch(/orchestrator diagnose: log file '.*empty2\.log' is empty/);
    expect(err.join("")).toMatch(
      /orchestrator diagnose: log file '.*job\.zip' is not a text log: it is a zip archive/,
    );
    expect(err.join("")).toMatch(/orchestrator fix: log file '.*empty3\.log' is empty/);
  });
});
