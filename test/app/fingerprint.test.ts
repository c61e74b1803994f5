import { describe, expect, it } from "vitest";
import { fixBranch } from "../../contract/branches.js";
import { fixFingerprint } from "../../src/app/fingerprint.js";

describe("fixFingerprint", () => {
  it("is a stable short hash of service + kind + package", () => {
    const a = fixFingerprint("api", { kind: "python_module", package: "PyYAML" });
    expect(a).toMatch(/^[0-9a-f]{10}$/);
    expect(fixFingerprint("api", { kind: "python_module", package: "PyYAML" })).toBe(a);
    expect(fixFingerprint("web", { kind: "python_module", package: "PyYAML" })).not.toBe(a);
    expect(fixFingerprint("api", { kind: "python_module", package: "requests" })).not.toBe(a);
    expect(fixFingerprint("api", { kind: "system_package", package: "PyYAML" })).not.toBe(a);
  });

  it("names the branch orchestrator/<service>/<fingerprint>", () => {
    expect(fixBranch("api", "0123456789")).toBe("orchestrator/api/0123456789");
  });
});
