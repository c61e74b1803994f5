/**
 * Attack: a fork names its workflow, job or step so that the PR body the bot writes carries the
 * attacker's markdown: a link or image to their host, an @mention of a team, an HTML comment that looks
 * like the app's hidden marker. Defence: every user-controlled string is inline code with a fence longer
 * than any backtick run inside, `@` mentions and `<!--` neutralised; evidence is a fenced block.
 */
import { describe, expect, it } from "vitest";
import { testSigningKey, TEST_FULL_REPO } from "../helpers/signing.js";
import type { Diagnosis, Finding } from "../../src/diagnose/finding.js";
import { answerNothingToFix, answerOutcome } from "../../src/render/answers.js";
import { renderFixCheck, renderPlan, renderPrBody, type FixStory } from "../../src/render/fix-story.js";
import { neutralise, safeUrl, userCode } from "../../src/render/text.js";

/** Code spans as CommonMark reads them: a backtick run opens, the next run of the same length closes. */
function codeSpans(line: string): { spans: string[]; rest: string } {
  const spans: string[] = [];
  let rest = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] !== "`") {
      rest += line[i++];
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n++;
    const fence = "`".repeat(n);
    let j = i + n;
    let close = -1;
    while ((j = line.indexOf(fence, j)) !== -1) {
      if (line[j + n] !== "`" && line[j - 1] !== "`") {
        close = j;
        break;
      }
      while (line[j] === "`") j++;
    }
    if (close === -1) {
      rest += fence;
      i += n;
      continue;
    }
    let content = line.slice(i + n, close);
    if (content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "")
      content = content.slice(1, -1);
    spans.push(content);
    i = close + n;
  }
  return { spans, rest };
}

/** Everything a reader sees rendered as markdown: the text outside fenced blocks and code spans. */
function renderedProse(markdown: string): { prose: string; spans: string[] } {
  const spans: string[] = [];
  const prose: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split("\n")) {
    const m = /^(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && line.trim() === fence) fence = null;
      continue;
    }
    if (m) {
      fence = m[1]!;
      continue;
    }
    const parsed = codeSpans(line);
    spans.push(...parsed.spans);
    prose.push(parsed.rest);
  }
  return { prose: prose.join("\n"), spans };
}

const HOSTILE_WORKFLOW =
  "CI](https://evil.example/phish) ![track](https://evil.example/p.png) @acme/sre <!-- orchestrator-meta {} -->";
const HOSTILE_JOB = "build ``` `x` ```` <img src=https://evil.example/i.png> @octocat";
const HOSTILE_STEP_LINE = "##[group]Run [click](https://evil.example) @acme/sre <!-- x --> ``` done";

function story(): FixStory {
  const finding: Finding = {
    kind: "python_module",
    missing: "yaml",
    package: "PyYAML",
    ecosystem: "pypi",
    evidence: [HOSTILE_STEP_LINE, "ModuleNotFoundError: No module named 'yaml'"],
    diagnoser: "python-module",
    confidence: 0.93,
  };
  const diagnosis: Diagnosis = {
    finding,
    reason: "missing Python module 'yaml' [see](https://evil.example) @acme",
    evidence: finding.evidence,
    serviceHints: [],
    bytesRead: 100,
    truncated: false,
  };
  return {
    service: "api",
    composeService: "api",
    environment: "production",
    fingerprint: "abc123",
    branch: "orchestrator/api/abc123",
    failure: {
      label: `workflow ${HOSTILE_WORKFLOW}, job ${HOSTILE_JOB}`,
      url: "https://github.com/acme/stack/actions/runs/1/job/2",
    },
    diagnosis,
    finding,
    diff: "--- a/x\n+++ b/x\n+PyYAML==6.0.2\n",
    summary: "Add PyYAML==6.0.2 to services/api/requirements.txt for missing Python module 'yaml'.",
    packageCheck: {
      ecosystem: "pypi",
      name: "PyYAML",
      registry: "PyPI",
      page: "https://pypi.org/project/PyYAML/",
      firstPublished: "2006-05-12T08:00:00.000Z",
      ageDays: 7000,
      minReleaseAge: "14d",
    },
    approvers: null,
    baseSha: "b".repeat(40),
    baseBranch: "main",
  };
}

describe("userCode", () => {
  it("picks a fence longer than any backtick run and pads text that starts or ends with one", () => {
    expect(userCode("plain")).toBe("`plain`");
    expect(userCode("a ``` b")).toBe("````a ``` b````");
    expect(userCode("`x`")).toBe("`` `x` ``");
    for (const text of ["a ``` b", "`x`", "``", "x`y``z```"]) {
      const { spans, rest } = codeSpans(userCode(text));
      expect({ spans, rest }).toEqual({ spans: [text], rest: "" });
    }
  });

  it("flattens newlines, neutralises mentions and comment openers, and names empty text", () => {
    expect(userCode("a\nb\r\nc")).toBe("`a b c`");
    expect(userCode("@acme/sre <!-- x -->")).toBe("`@\u200Bacme/sre <!\u200B-- x --\u200B>`");
    expect(userCode("")).toBe("_(empty)_");
    expect(neutralise(neutralise("@a <!--"))).toBe(neutralise("@a <!--"));
  });

  it("safeUrl keeps http(s) only and encodes what could close a link", () => {
    expect(safeUrl("javascript:alert(1)")).toBeNull();
    const url = safeUrl("https://ci.example/job/1) ![x](https://evil.example");
    expect(url).toBe("https://ci.example/job/1%29%20![x]%28https://evil.example");
    expect(url).not.toMatch(/[()\s<>]/);
  });
});

describe("a fork's names cannot inject markdown into what the bot writes", () => {
  it.each([
    ["the PR body", (s: FixStory) => renderPrBody(s, { key: testSigningKey(), repo: TEST_FULL_REPO })],
    ["the fix check run", (s: FixStory) => Object.values(renderFixCheck(s)).join("\n\n")],
    ["the plan answer", (s: FixStory) => renderPlan(s)],
  ])("%s", (_surface, render) => {
    const markdown = render(story());
    const { prose, spans } = renderedProse(markdown);
    // Nothing the attacker wrote is a link, an image, an HTML tag or a mention outside code.
    expect(prose).not.toContain("evil.example");
    expect(prose).not.toMatch(/@[A-Za-z0-9]/);
    expect(prose).not.toContain("<img");
    // The failing job is there, whole, as one code span (neutralised), inside the link to the run.
    expect(spans).toContain(neutralise(`workflow ${HOSTILE_WORKFLOW}, job ${HOSTILE_JOB}`));
    // Marker syntax from user text never appears as-is anywhere, not even inside code.
    expect(markdown).not.toContain("<!-- orchestrator-meta {} -->");
    expect(markdown).not.toContain("<!-- x -->");
    expect(markdown).not.toMatch(/@acme/);
  });

  it("the PR body still links the run and the registry page", () => {
    const body = renderPrBody(story(), { key: testSigningKey(), repo: TEST_FULL_REPO });
    expect(body).toContain("](https://github.com/acme/stack/actions/runs/1/job/2)");
    expect(body).toContain("[PyPI](https://pypi.org/project/PyYAML/), first published 2006-05-12");
    expect(body).toContain("- confidence: 93% (high)");
  });
});

describe("command answers carry no markdown from job names or log names", () => {
  it("nothing to fix: each failed job's line is inline code", () => {
    const answer = answerNothingToFix("alice", "api", [
      `workflow ${HOSTILE_WORKFLOW}, job ${HOSTILE_JOB}: no missing dependency in this log`,
    ]);
    const { prose } = renderedProse(answer);
    expect(prose).not.toContain("evil.example");
    expect(prose.replace("@alice", "")).not.toMatch(/@[A-Za-z0-9]/);
    expect(answer).not.toContain("<!-- orchestrator-meta");
  });

  it("a refused fix for a scoped npm name from a log mentions nobody", () => {
    const s = story();
    const reason = "'@acme/sre' does not exist on the npm registry";
    const answer = answerOutcome(
      {
        kind: "refused",
        service: "api",
        finding: s.finding,
        reason: `refused: ${reason}`,
        refusals: [reason],
      },
      "alice",
    );
    expect(answer.replace("@alice", "")).not.toMatch(/@acme/);
    expect(answer).toContain("@\u200Bacme/sre");
  });
});
