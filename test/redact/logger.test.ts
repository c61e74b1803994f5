import { describe, expect, it } from "vitest";
import { redactedLogger } from "../../src/redact/logger.js";
import { redactor } from "../../src/redact/redactor.js";

describe("redactedLogger", () => {
  it("writes JSON lines with registered secrets and token shapes masked", () => {
    const lines: string[] = [];
    const secret = "installation-token-value-0123456789";
    redactor.add(secret);
    const log = redactedLogger({
      name: "test",
      level: "debug",
      destination: { write: (l: string) => lines.push(l) },
    });
    log.info(
      { token: secret, header: `Basic ${Buffer.from(`x-access-token:${secret}`).toString("base64")}` },
      "minted",
    );
    log.debug(`pat ghp_${"a".repeat(36)} leaked`);
    expect(lines).toHaveLength(2);
    const text = lines.join("");
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(`x-access-token:${secret}`).toString("base64"));
    expect(text).not.toContain("ghp_");
    expect(JSON.parse(lines[0]!)).toMatchObject({ name: "test", msg: "minted", token: "***" });
  });

  it("respects the level", () => {
    const lines: string[] = [];
    const log = redactedLogger({
      name: "test",
      level: "warn",
      destination: { write: (l: string) => lines.push(l) },
    });
    log.info("hidden");
    log.warn("shown");
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["shown"]);
  });
});
