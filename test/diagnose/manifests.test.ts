import { describe, expect, it } from "vitest";
import {
  declaredFrom,
  dockerfileBase,
  pyprojectNames,
  requirementsNames,
} from "../../src/diagnose/manifests.js";
import { diagnoseLog } from "../../src/diagnose/diagnose.js";

describe("manifests: what a repository already declares", () => {
  it("reads requirements lines with extras, markers, pins and options", () => {
    expect(
      requirementsNames(
        "-r base.txt\nPyYAML==6.0  # config\nrequests[socks]>=2; python_version<'3.12'\n-e .\nhttps://x/y.whl\n\nDjango\n",
      ),
    ).toEqual(["PyYAML", "requests", "Django"]);
  });

  it("reads PEP 621, optional, dependency groups and Poetry tables, not python itself", () => {
    const names = pyprojectNames(
      [
        "[project]",
        'dependencies = ["fastapi>=0.110", "uvicorn[standard]"]',
        "[project.optional-dependencies]",
        'dev = ["pytest"]',
        "[dependency-groups]",
        'lint = ["ruff"]',
        "[tool.poetry.dependencies]",
        'python = "^3.11"',
        'httpx = "*"',
        "[tool.poetry.group.docs.dependencies]",
        'sphinx = "*"',
      ].join("\n"),
    );
    expect(names.sort()).toEqual(["fastapi", "httpx", "pytest", "ruff", "sphinx", "uvicorn"]);
  });

  it("takes the final stage's image as the Dockerfile base", () => {
    expect(
      dockerfileBase("FROM node:20 AS build\nRUN npm ci\nFROM --platform=linux/amd64 node:20-alpine\n"),
    ).toBe("node:20-alpine");
  });

  it("skips an unparseable manifest and names it", () => {
    const { declared, skipped } = declaredFrom([
      ["package.json", "{ not json"],
      ["api/requirements.txt", "python_dotenv==1.0\n"],
    ]);
    expect(skipped).toEqual(["package.json"]);
    expect(declared.python.get("python-dotenv")).toBe("api/requirements.txt");
  });
});

describe("declared but not installed in the image", () => {
  const log =
    "Traceback (most recent call last):\n  File \"/app/main.py\", line 1\n    import yaml\nModuleNotFoundError: No module named 'yaml'\n";

  it("does not propose a package the manifests declare, and says why with the likely cause", async () => {
    const { declared } = declaredFrom([
      ["requirements.txt", "pyyaml==6.0.1\n"],
      ["Dockerfile", "FROM python:3.12-slim\nCOPY . /app\nCMD python main.py\n"],
    ]);
    const diagnosis = await diagnoseLog(log, { declared });
    expect(diagnosis.finding).toBeNull();
    expect(diagnosis.reason).toContain(
      "PyYAML is already declared in requirements.txt: declared but not installed in the image",
    );
    expect(diagnosis.reason).toContain("no install step in Dockerfile");
    expect(diagnosis.evidence).toContain("ModuleNotFoundError: No module named 'yaml'");
  });

  it("still proposes a package nobody declared", async () => {
    const { declared } = declaredFrom([["requirements.txt", "requests\n"]]);
    expect((await diagnoseLog(log, { declared })).finding?.package).toBe("PyYAML");
  });
});
