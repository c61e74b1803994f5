import { describe, expect, it } from "vitest";
import { pipRequirementFiles, requirementArgs } from "../../src/patch/dockerfile-pip.js";

describe("requirementArgs", () => {
  it("finds -r, -rFILE, --requirement and --requirement= in pip, pip3 and python -m pip", () => {
    expect(requirementArgs("pip install -r a.txt")).toEqual(["a.txt"]);
    expect(
      requirementArgs("pip3 install --no-cache-dir -rb.txt && python -m pip install --requirement c.txt"),
    ).toEqual(["b.txt", "c.txt"]);
    expect(requirementArgs("/venv/bin/pip install --requirement='d.txt'")).toEqual(["d.txt"]);
    expect(requirementArgs("uv pip install -r e.txt")).toEqual(["e.txt"]);
    expect(requirementArgs("pip download -r x.txt; cat -r y.txt")).toEqual([]);
  });
});

describe("pipRequirementFiles", () => {
  it("maps an explicit COPY to its build-context path", () => {
    const df =
      "FROM python:3.12\nWORKDIR /app\nCOPY deps/prod.txt /tmp/req.txt\nRUN pip install -r /tmp/req.txt\n";
    expect(pipRequirementFiles(df)).toEqual([{ path: "deps/prod.txt", copied: true }]);
  });

  it("maps COPY into WORKDIR ('.') and relative -r paths", () => {
    const df =
      "FROM python:3.12\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n";
    expect(pipRequirementFiles(df)).toEqual([{ path: "requirements.txt", copied: true }]);
  });

  it("maps through COPY . . and folder copies", () => {
    const all = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements/prod.txt\n";
    expect(pipRequirementFiles(all)).toEqual([{ path: "requirements/prod.txt", copied: false }]);
    const folder = "FROM python:3.12\nCOPY reqs/ /opt/reqs/\nRUN pip install -r /opt/reqs/base.txt\n";
    expect(pipRequirementFiles(folder)).toEqual([{ path: "reqs/base.txt", copied: true }]);
  });

  it("lists the final image's stages first, then builder stages, without duplicates", () => {
    const df = [
      "FROM python:3.12 AS build",
      "COPY build.txt .",
      "RUN pip wheel -w /w -r build.txt && pip install -r build.txt",
      "FROM python:3.12-slim",
      "COPY runtime.txt .",
      "RUN pip install -r runtime.txt",
    ].join("\n");
    expect(pipRequirementFiles(df).map((f) => f.path)).toEqual(["runtime.txt", "build.txt"]);
  });

  it("ignores COPY --from and paths that leave the WORKDIR", () => {
    const df =
      "FROM python:3.12\nWORKDIR /app\nCOPY --from=x /r.txt /app/r.txt\nRUN pip install -r /etc/r.txt\n";
    expect(pipRequirementFiles(df)).toEqual([]);
  });
});
