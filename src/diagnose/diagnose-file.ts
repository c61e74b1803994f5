import { open } from "node:fs/promises";
import { DEFAULT_MAX_BYTES, diagnoseLog, type DiagnoseOptions } from "./diagnose.js";
import { assertTextLog } from "./input-check.js";
import type { Diagnosis } from "./types.js";

const SNIFF_BYTES = 8192;

/**
 * Diagnoses a log file. A file above the size cap is read from its end (the fatal error of a build is
 * there): the last `maxBytes`, starting at the first full line, with `truncated: true` and a reason
 * saying so. Binary or compressed files are refused (BinaryLogError).
 */
export async function diagnoseFile(path: string, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    assertTextLog(head, `'${path}'`);
    const start = size > maxBytes ? size - maxBytes : 0;
    let startsMidLine = false;
    if (start > 0) {
      const previous = Buffer.alloc(1);
      await handle.read(previous, 0, 1, start - 1);
      startsMidLine = previous[0] !== 0x0a;
      const tail = Buffer.alloc(Math.min(SNIFF_BYTES, size - start));
      await handle.read(tail, 0, tail.length, start);
      if (tail.includes(0)) assertTextLog(tail, `'${path}' (at byte ${start})`);
    }
    const stream = handle.createReadStream({ start, highWaterMark: 256 * 1024, autoClose: false });
    const diagnosis = await diagnoseLog(stream, {
      ...options,
      maxBytes,
      skipBytes: start,
      startsMidLine,
      totalBytes: size,
    });
    return diagnosis;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
