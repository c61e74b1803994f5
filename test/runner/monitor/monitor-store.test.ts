import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRecords, monitorStatePath, saveRecords } from "../../../runner/monitor/monitor-store.js";
import { EMPTY_RECORD } from "../../../runner/monitor/service-record.js";

describe("monitor store", () => {
  it("round-trips the records", () => {
    const dir = mkdtempSync(join(tmpdir(), "monitor-store-"));
    const records = { web: { ...EMPTY_RECORD, totalChecks: 9, successfulChecks: 8 } };
    saveRecords(dir, records);
    expect(loadRecords(dir)).toEqual(records);
    expect(JSON.parse(readFileSync(monitorStatePath(dir), "utf8")).version).toBe(1);
  });

  it("an absent file is empty without a warning; a corrupt one is ignored with one", () => {
    const dir = mkdtempSync(join(tmpdir(), "monitor-store-"));
    const warnings: string[] = [];
    expect(loadRecords(dir, (m) => warnings.push(m))).toEqual({});
    expect(warnings).toEqual([]);
    mkdirSync(dirname(monitorStatePath(dir)), { recursive: true });
    writeFileSync(monitorStatePath(dir), "{not json");
    expect(loadRecords(dir, (m) => warnings.push(m))).toEqual({});
    expect(warnings).toEqual([expect.stringContaining("services.json")]);
  });
});
