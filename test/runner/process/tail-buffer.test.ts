import { describe, expect, it } from "vitest";
import { TailBuffer } from "../../../runner/process/tail-buffer.js";

describe("TailBuffer", () => {
  it("keeps everything while under the limit", () => {
    const tail = new TailBuffer(10);
    tail.push("abc\n");
    tail.push("def");
    expect(tail.text()).toBe("abc\ndef");
  });

  it("after dropping text, starts after the first line break so no cut line is handed on", () => {
    const tail = new TailBuffer(12);
    tail.push("token=ghp_secretpart\n");
    tail.push("line two\nend");
    const text = tail.text();
    expect(text).toBe("end");
    expect(text).not.toContain("secret");
  });

  it("keeps one endless line whole (the last max characters) when it has no break at all", () => {
    const tail = new TailBuffer(8);
    for (let i = 0; i < 10; i++) tail.push(String(i).repeat(4));
    expect(tail.text()).toBe("88889999");
  });
});
