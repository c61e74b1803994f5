import { describe, expect, it } from "vitest";
import { evaluateCorpus, parseFixture, renderReport, scoreBy } from "../../scripts/eval-diagnosis.js";

describe("eval: the diagnosis on the real-log corpus (npm run eval)", () => {
  it("is right on at least 95% of the logs and proposes no fix where nothing should be added", async () => {
    const outcomes = await evaluateCorpus();
    const report = renderReport(outcomes);
    const total = scoreBy(outcomes, () => "all")[0]!;
    expect(outcomes.length).toBeGreaterThanOrEqual(150);
    expect(outcomes.filter((o) => o.kind === "look-alike").length * 3).toBeGreaterThanOrEqual(
      outcomes.length,
    );
    expect(
      outcomes.filter((o) => o.falseFix).map((o) => o.fixture.file),
      report,
    ).toEqual([]);
    expect(total.right / total.total, report).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it("scores every kind and ecosystem apart", async () => {
    const outcomes = await evaluateCorpus();
    const kinds = scoreBy(outcomes, (o) => o.kind).map((s) => s.group);
    expect(kinds).toEqual(["look-alike", "node", "python", "system"]);
    const report = renderReport(outcomes);
    for (const group of ["alpine", "debian", "none", "npm", "pypi"]) expect(report).toContain(`| ${group}`);
  }, 60_000);
});

describe("eval: fixture headers", () => {
  it("reads source, expectation with alternatives, reason and repo, and strips them from the log", () => {
    const fixture = parseFixture(
      "x.log",
      "# source: https://example.org/1\n# repo: app\n# expect: pypi opencv-python|opencv-python-headless — the thread\nImportError: No module named 'cv2'\n",
    );
    expect(fixture).toMatchObject({
      ecosystem: "pypi",
      packages: ["opencv-python", "opencv-python-headless"],
      why: "the thread",
      repo: "app",
      log: "ImportError: No module named 'cv2'\n",
    });
  });

  it.each([
    ["no source", "# expect: none — x\nlog\n", /first line must be "# source/],
    ["no expectation", "# source: u\nlog\n", /missing "# expect/],
    ["bad ecosystem", "# source: u\n# expect: pip yaml — x\n", /is not "<none\|pypi/],
    ["a package for none", "# source: u\n# expect: none yaml — x\n", /needs a package unless it is none/],
    ["no reason", "# source: u\n# expect: npm axios\n", /must say why/],
  ])("refuses a fixture with %s, naming the file", (_case, text, error) => {
    expect(() => parseFixture("bad.log", text)).toThrow(error);
    expect(() => parseFixture("bad.log", text)).toThrow(/^bad\.log: /);
  });
});
