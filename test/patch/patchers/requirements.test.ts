import { describe, expect, it } from "vitest";
import { requirementsPatcher } from "../../../src/patch/patchers/requirements.js";
import type { VersionLookup } from "../../../src/patch/versions.js";

function lookup(version: string | null) {
  const calls: string[] = [];
  const versions: VersionLookup = {
    latest: async (ecosystem, name) => {
      calls.push(`${ecosystem}:${name}`);
      return version;
    },
  };
  return { versions, calls };
}

async function apply(text: string, name = "PyYAML", version: string | null = "6.0.2") {
  const { versions, calls } = lookup(version);
  const outcome = await requirementsPatcher.apply(text, { name }, { versions, path: "api/requirements.txt" });
  return { outcome, calls };
}

describe("requirements patcher", () => {
  it("pins to the latest version when most lines pin with ==, inserting in sorted order", async () => {
    const { outcome, calls } = await apply("flask==3.0.3\nrequests==2.32.3\nuvicorn\n");
    expect(outcome).toMatchObject({
      status: "patched",
      text: "flask==3.0.3\nPyYAML==6.0.2\nrequests==2.32.3\nuvicorn\n",
    });
    expect(calls).toEqual(["pypi:PyYAML"]);
  });

  it("uses >= when the file does, and appends when the file is not sorted", async () => {
    const { outcome } = await apply("uvicorn>=0.30\nfastapi>=0.110\n");
    expect(outcome).toMatchObject({ text: "uvicorn>=0.30\nfastapi>=0.110\nPyYAML>=6.0.2\n" });
  });

  it("writes a bare name without asking the registry when the file does not pin", async () => {
    const { outcome, calls } = await apply("zzz\naaa\n");
    expect(outcome).toMatchObject({ text: "zzz\naaa\nPyYAML\n" });
    expect(calls).toEqual([]);
  });

  it("keeps comments, -r includes, CRLF and a missing final newline", async () => {
    const { outcome } = await apply("-r base.txt\r\n# web\r\nrequests==3.0 # pinned\r\nflask==2.0");
    expect(outcome).toMatchObject({
      text: "-r base.txt\r\n# web\r\nrequests==3.0 # pinned\r\nflask==2.0\r\nPyYAML==6.0.2",
    });
  });

  it("creates the content of an empty file", async () => {
    expect((await apply("")).outcome).toMatchObject({ status: "patched", text: "PyYAML\n" });
  });

  it("finds the distribution under any PEP 503 spelling, extras and markers included", async () => {
    for (const line of [
      "pyyaml==6",
      "py_yaml>=1",
      "PyYAML[libyaml] ; python_version > '3'",
      "-e git+https://x.invalid/y.git#egg=pyyaml",
    ]) {
      const { outcome } = await apply(`${line}\n`, "PyYAML");
      expect(outcome.status, line).toBe(line.startsWith("py_yaml") ? "patched" : "present");
    }
    expect((await apply("zope.interface==7\n", "zope-interface")).outcome.status).toBe("present");
  });

  it("refuses hash-pinned files with a reason", async () => {
    const text = "flask==3.0.3 \\\n    --hash=sha256:abc\n";
    expect((await apply(text)).outcome).toEqual({
      status: "unsupported",
      reason: expect.stringContaining("--hash; the hashes of PyYAML cannot be computed offline"),
    });
  });

  it("fails clearly when the registry knows no version to pin", async () => {
    await expect(apply("a==1\nb==2\n", "PyYAML", null)).rejects.toThrow(
      "PyPI reports no released version of 'PyYAML'",
    );
  });

  it("inserts above the comment block that belongs to the next requirement", async () => {
    const { outcome } = await apply("attrs==1\n# http\nrequests==2\n");
    expect(outcome).toMatchObject({ text: "attrs==1\nPyYAML==6.0.2\n# http\nrequests==2\n" });
  });
});
