import { describe, expect, it } from "vitest";
import { buildPrefilter, diagnoseLog } from "../../src/diagnose/diagnose.js";
import { matchServiceHints, ServiceHintSet } from "../../src/diagnose/service-hints.js";

describe("diagnoseLog", () => {
  it("picks the last fixable finding and keeps evidence short", async () => {
    const log = [
      "ModuleNotFoundError: No module named 'yaml'",
      "ModuleNotFoundError: No module named 'src'",
      "fatal error: zlib.h: No such file or directory",
      "ModuleNotFoundError: No module named 'reqeusts'",
    ].join("\n");
    const diagnosis = await diagnoseLog(log);
    expect(diagnosis.finding).toMatchObject({
      kind: "system_package",
      package: "zlib1g-dev",
      missing: "zlib.h",
    });
    expect(diagnosis.finding?.systemPackages).toEqual({
      debian: "zlib1g-dev",
      alpine: "zlib-dev",
      rpm: "zlib-devel",
    });
    expect(diagnosis.evidence).toEqual(["fatal error: zlib.h: No such file or directory"]);
  });

  it("explains a null with the last refusal when nothing is fixable", async () => {
    const diagnosis = await diagnoseLog(
      "Error: Cannot find module './config'\nModuleNotFoundError: No module named 'os.pth'\n",
    );
    expect(diagnosis.finding).toBeNull();
    expect(diagnosis.reason).toMatch(/^not fixable: 'os' is in the Python standard library/);
  });

  it("keeps a name refused for its requirer refused when a later line repeats it without one", async () => {
    const log = [
      "Error: Cannot find module 'left-pad'",
      "Require stack:",
      "- /app/node_modules/old-lib/index.js",
      "build failed: Error: Cannot find module 'left-pad'",
    ].join("\n");
    const diagnosis = await diagnoseLog(`${log}\n`);
    expect(diagnosis.finding).toBeNull();
    expect(diagnosis.reason).toContain("required from inside node_modules by 'old-lib'");
    // Without the first error the same summary line is the project's missing package.
    const alone = await diagnoseLog("build failed: Error: Cannot find module 'left-pad'\n");
    expect(alone.finding?.package).toBe("left-pad");
  });

  it("says when nothing at all was found", async () => {
    const log = "Step 1/3 : FROM python:3.12\nall good ✓\n";
    const diagnosis = await diagnoseLog(log);
    expect(diagnosis).toMatchObject({
      finding: null,
      evidence: [],
      truncated: false,
      bytesRead: Buffer.byteLength(log),
    });
    expect(diagnosis.bytesRead).toBe(log.length + 2); // ✓ is three bytes
    expect(diagnosis.reason).toBe("no missing dependency found in the log");
  });

  it("applies repository maps: extra names and never-fix entries", async () => {
    const maps = {
      python: { acme: "acme-sdk" },
      node: { "left-pad": null },
      system: { "acme.h": { debian: "libacme-dev" } },
    };
    expect(
      (await diagnoseLog("ModuleNotFoundError: No module named 'acme.client'", { maps })).finding?.package,
    ).toBe("acme-sdk");
    const never = await diagnoseLog("Error: Cannot find module 'left-pad'", { maps });
    expect(never.finding).toBeNull();
    expect(never.reason).toContain("never fix");
    const header = await diagnoseLog("x.c:1:10: fatal error: acme.h: No such file or directory", { maps });
    expect(header.finding).toMatchObject({ package: "libacme-dev", ecosystem: "debian" });
  });

  it("rejects a bad byte cap with a clear error", async () => {
    await expect(diagnoseLog("x", { maxBytes: 0 })).rejects.toThrow(/maxBytes must be a positive integer/);
    await expect(diagnoseLog("x", { maxBytes: 1.5 })).rejects.toThrow(/got 1.5/);
  });

  it("does not read a quoted message inside a test assertion as the failure", async () => {
    const log = `expect(received).toThrow("Cannot find module 'lodash'")\n    Error: Cannot find module 'lodash' imported elsewhere`;
    const diagnosis = await diagnoseLog(log);
    expect(diagnosis.evidence).toEqual(["    Error: Cannot find module 'lodash' imported elsewhere"]);
  });
});

describe("service hints", () => {
  it.each([
    ["Building api", ["api"], false],
    ["#12 [api 3/5] RUN pip install -r requirements.txt", ["api"], false],
    [" => ERROR [worker builder 3/5] RUN npm ci", ["worker"], true],
    [" > [web 4/6] RUN npm run build:", ["web"], true],
    ["target api: failed to solve: process did not complete successfully", ["api"], true],
    ["ERROR: Service 'api' failed to build: exit 1", ["api"], true],
    ['  File "/repo/services/billing/app.py", line 3', ["billing"], false],
    ["#5 [internal] load build definition from Dockerfile", [], false],
  ])("%s", (line, names, strong) => {
    const hints = matchServiceHints(line);
    expect(hints.map((h) => h.name)).toEqual(names);
    if (names.length) expect(hints[0]!.strong).toBe(strong);
  });

  it("orders strong hints first, then the most recent", () => {
    const set = new ServiceHintSet(3);
    set.add({ name: "db", strong: false });
    set.add({ name: "api", strong: true });
    set.add({ name: "web", strong: false });
    expect(set.list()).toEqual(["api", "web", "db"]);
    set.add({ name: "cache", strong: false });
    expect(set.list()).toEqual(["api", "cache", "web"]);
  });
});

describe("buildPrefilter", () => {
  it("drops triggers that contain a shorter one and escapes the rest", () => {
    const re = buildPrefilter(["not found", "command not found", "a.b", "a.b"]);
    expect(re.source).toBe("(?:a\\.b|not found)");
    expect("axb".match(re)).toBeNull();
    expect("sh: git: command not found".match(re)?.[0]).toBe("not found");
  });

  it("factors triggers by common prefix and still matches each of them, and nothing else", () => {
    const triggers = ["Cannot find module", "Cannot find package", "Can't resolve", "No module named", "x"];
    const re = buildPrefilter(triggers);
    expect(re.source).toBe("(?:Can(?:'t resolve|not find (?:module|package))|No module named|x)");
    for (const trigger of triggers) expect(`pre ${trigger} post`.match(re)?.[0]).toBe(trigger);
    expect("Cannot find modul".match(re)).toBeNull();
    expect("Cannot resolve".match(re)).toBeNull();
  });

  it("refuses an empty trigger list", () => {
    expect(() => buildPrefilter([])).toThrow(/at least one trigger/);
  });
});
