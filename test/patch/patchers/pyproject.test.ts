import { describe, expect, it } from "vitest";
import { pyprojectPatcher } from "../../../src/patch/patchers/pyproject.js";
import type { VersionLookup } from "../../../src/patch/versions.js";

const versions: VersionLookup = { latest: async () => "6.0.2" };
const apply = (text: string, name = "PyYAML") =>
  pyprojectPatcher.apply(text, { name }, { versions, path: "api/pyproject.toml" });

describe("pyproject patcher", () => {
  it("adds to a multi-line PEP 621 array with trailing commas, keeping comments", async () => {
    const text =
      '[project]\nname = "api"\ndependencies = [\n  "fastapi==0.110.0",  # web\n  "uvicorn==0.30.1",\n]\n';
    expect(await apply(text)).toMatchObject({
      status: "patched",
      text: '[project]\nname = "api"\ndependencies = [\n  "fastapi==0.110.0",  # web\n  "PyYAML==6.0.2",\n  "uvicorn==0.30.1",\n]\n',
    });
  });

  it("appends to an unsorted array without a trailing comma, moving no comment", async () => {
    const text = "[project]\ndependencies = [\n    'zzz>=1',\n    'aaa>=2'  # last\n]\n";
    expect(await apply(text)).toMatchObject({
      text: "[project]\ndependencies = [\n    'zzz>=1',\n    'aaa>=2',  # last\n    'PyYAML>=6.0.2'\n]\n",
    });
  });

  it("handles single-line and empty arrays", async () => {
    expect(await apply('[project]\ndependencies = ["b", "a"]\n')).toMatchObject({
      text: '[project]\ndependencies = ["b", "a", "PyYAML"]\n',
    });
    expect(await apply("[project]\ndependencies = []\n")).toMatchObject({
      text: '[project]\ndependencies = ["PyYAML"]\n',
    });
  });

  it("adds a dependencies key to a [project] table that has none", async () => {
    const text = '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n';
    expect(await apply(text)).toMatchObject({
      text: '[project]\nname = "x"\ndependencies = ["PyYAML"]\n\n[tool.ruff]\nline-length = 100\n',
    });
  });

  it("follows Poetry's caret style and keeps python first", async () => {
    const text =
      '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "^2.31.0"\n\n[build-system]\nrequires = ["poetry-core"]\n';
    expect(await apply(text)).toMatchObject({
      text: '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "^2.31.0"\nPyYAML = "^6.0.2"\n\n[build-system]\nrequires = ["poetry-core"]\n',
    });
  });

  it("follows Poetry's exact and tilde styles, including inline-table versions", async () => {
    const exact =
      '[tool.poetry.dependencies]\npython = "^3.11"\naaa = "1.0.0"\nbbb = { version = "2.0.0", optional = true }\n';
    expect(await apply(exact)).toMatchObject({ text: exact + 'PyYAML = "6.0.2"\n' });
    const tilde = '[tool.poetry.dependencies]\naaa = "~1.0"\n';
    expect(await apply(tilde)).toMatchObject({ text: tilde + 'PyYAML = "~6.0.2"\n' });
  });

  it("keeps CRLF line endings and a file without a final newline", async () => {
    const text = '[tool.poetry.dependencies]\r\npython = "^3.11"\r\nzzz = "^1.0"';
    expect(await apply(text)).toMatchObject({
      text: '[tool.poetry.dependencies]\r\npython = "^3.11"\r\nzzz = "^1.0"\r\nPyYAML = "^6.0.2"',
    });
  });

  it("says present for either layout, by normalised name", async () => {
    expect(await apply('[project]\ndependencies = ["pyyaml>=6"]\n')).toMatchObject({ status: "present" });
    expect(await apply('[tool.poetry.dependencies]\npy-yaml = "*"\n', "py_yaml")).toMatchObject({
      status: "present",
    });
  });

  it("refuses dynamic dependencies and files without a dependency table", async () => {
    expect(await apply('[project]\nname = "x"\ndynamic = ["dependencies"]\n')).toMatchObject({
      status: "unsupported",
    });
    expect(await apply("[tool.black]\nline-length = 88\n")).toMatchObject({
      status: "unsupported",
      reason: "api/pyproject.toml has neither a [project] table nor [tool.poetry.dependencies]",
    });
  });

  it("reports invalid TOML with the file name", async () => {
    await expect(apply("[project\n")).rejects.toThrow(/api\/pyproject.toml is not valid TOML/);
  });

  it("does not mistake strings or comments containing brackets for structure", async () => {
    const text = '[project]\ndescription = "a [weird] # one"\ndependencies = [\n  "a", # ]\n  "b",\n]\n';
    expect(await apply(text)).toMatchObject({
      text: '[project]\ndescription = "a [weird] # one"\ndependencies = [\n  "a", # ]\n  "b",\n  "PyYAML",\n]\n',
    });
  });
});
