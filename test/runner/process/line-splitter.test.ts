import { describe, expect, it } from "vitest";
import { LineSplitter } from "../../../runner/process/line-splitter.js";

/** Feeds the chunks and returns everything emitted, flush included. */
function split(chunks: string[], maxLine?: number): string {
  const splitter = new LineSplitter(maxLine);
  return chunks.map((c) => splitter.push(c)).join("") + splitter.flush();
}

describe("LineSplitter", () => {
  it("splits on \\n, \\r and \\r\\n (as one break), and emits only completed lines", () => {
    const splitter = new LineSplitter();
    expect(splitter.push("a\nb\rc\r\nd")).toBe("a\nb\nc\n");
    expect(splitter.push("e")).toBe("");
    expect(splitter.flush()).toBe("de\n");
    expect(splitter.flush()).toBe("");
  });

  it("a \\r\\n split across two chunks is one break", () => {
    const splitter = new LineSplitter();
    expect(splitter.push("50%\r")).toBe("50%\n");
    expect(splitter.push("\n100%\n")).toBe("100%\n");
    expect(split(["x\r", "\r\n"])).toBe(split(["x\r\r\n"]));
    expect(split(["x\r", "", "\ny"])).toBe("x\ny\n");
  });

  it("progress bars drawn with \\r become one line per redraw, however the chunks fall", () => {
    const text = Array.from({ length: 50 }, (_, i) => `[${"#".repeat(i % 20)}] ${i * 2}%\r`).join("");
    const expected = text.replaceAll("\r", "\n");
    expect(split([text])).toBe(expected);
    const chunks = text.match(/[\s\S]{1,7}/g)!;
    expect(split(chunks)).toBe(expected);
    expect(split([...text])).toBe(expected);
  });

  it("empty lines are kept", () => {
    expect(split(["\n\n\r\r\n"])).toBe("\n\n\n\n");
  });

  it("a line longer than the cap is emitted cut, with a marker counting what was dropped", () => {
    expect(split(["abcdefghij\nxy\n"], 4)).toBe("abcd [line cut at 4 characters: 6 more dropped]\nxy\n");
    // Across chunks, and with no newline at all until the end.
    expect(split(["ab", "cdef", "gh"], 4)).toBe("abcd [line cut at 4 characters: 4 more dropped]\n");
    const splitter = new LineSplitter(1024);
    for (let i = 0; i < 1000; i++) expect(splitter.push("z".repeat(1000))).toBe("");
    const line = splitter.flush();
    expect(line).toBe(
      `${"z".repeat(1024)} [line cut at 1024 characters: ${1_000_000 - 1024} more dropped]\n`,
    );
  });

  it("holds no more than the cap of an unfinished line, even for 64 MB without a break", () => {
    const splitter = new LineSplitter(100);
    const chunk = "m".repeat(1 << 20);
    for (let i = 0; i < 64; i++) splitter.push(chunk);
    expect(splitter.pendingLength).toBe(100);
    expect(splitter.flush()).toMatch(/ \[line cut at 100 characters: 67108764 more dropped\]\n$/);
  });

  it("rejects a cap that is not a positive integer", () => {
    expect(() => new LineSplitter(0)).toThrow("LineSplitter: maxLine must be a positive integer, got 0");
  });
});

describe("LineSplitter on random input", () => {
  /** A tiny deterministic generator, so that a failure can be replayed. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }

  it("agrees with a plain split whatever the chunking, on both the short-chunk and the long-chunk path", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      let text = "";
      let line = 0;
      while (text.length < 400) {
        const r = next();
        if (r < 0.15 || line >= 10) {
          text += ["\n", "\r", "\r\n"][Math.floor(next() * 3)];
          line = 0;
        } else {
          text += "ab"[Math.floor(next() * 2)];
          line++;
        }
      }
      const expected = text.replace(/\r\n?/g, "\n") + (/[\r\n]$/.test(text) ? "" : "\n");
      const chunks: string[] = [];
      for (let at = 0; at < text.length;) {
        const size = 1 + Math.floor(next() * 50);
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      expect(split(chunks, 100), `seed ${seed}, short path`).toBe(expected);
      expect(split(chunks, 10), `seed ${seed}, long path`).toBe(expected);
    }
  });
});
