import type { Diagnoser, Observation, Resolution } from "../diagnoser.js";

/** Standard-library parts Debian and Ubuntu ship as separate packages for their system Python (< 3.12). */
const SPLIT_MODULES: Readonly<Record<string, string>> = {
  distutils: "python3-distutils",
  lib2to3: "python3-lib2to3",
  tkinter: "python3-tk",
  venv: "python3-venv",
  ensurepip: "python3-venv",
};

const NAME = /No module named \\?['"]?(distutils|lib2to3|tkinter|venv|ensurepip)(?:\.[\w.]+)?['"]?/;
/** The distribution's own interpreter: `/usr/bin/python3.8`, `/usr/lib/python3/dist-packages`, `/usr/lib/python3.10/`. */
const SYSTEM_PYTHON = /(?:^|[\s"'(])\/usr\/(?:bin\/python3(?:\.(\d+))?\b|lib\/python3(?:\.(\d+))?\/)/;

/**
 * `No module named 'distutils.util'` from Debian's or Ubuntu's own Python: the module is in the
 * standard library but the distribution packages it apart (`python3-distutils`). Any other Python
 * (the official images in /usr/local, Python 3.12+) is left to the Python diagnoser.
 */
export const debianPythonSplitDiagnoser: Diagnoser = {
  name: "debian-python-split",
  kind: "system_package",
  triggers: ["No module named", "need to install the python3"],
  match(line, context): Observation | null {
    // venv's own advice: `On Debian/Ubuntu systems, you need to install the python3-venv` (or python3.11-venv).
    const advice = /Debian\/Ubuntu systems, you need to install the (python3(?:\.\d+)?-venv)\b/.exec(line);
    if (advice) return { missing: advice[1]!, evidence: [...context.before.slice(-1), line] };
    const match = NAME.exec(line);
    if (!match) return null;
    if (SYSTEM_PYTHON.test(line)) {
      const minor = Number(SYSTEM_PYTHON.exec(line)![1] ?? SYSTEM_PYTHON.exec(line)![2] ?? "0");
      return minor >= 12 ? null : { missing: match[1]!, evidence: [line] };
    }
    for (const previous of [...context.before].reverse()) {
      const system = SYSTEM_PYTHON.exec(previous);
      if (!system) continue;
      const minor = Number(system[1] ?? system[2] ?? "0");
      if (minor >= 12) return null;
      return { missing: match[1]!, evidence: [previous, line] };
    }
    return null;
  },
  resolve(missing): Resolution {
    const pkg = SPLIT_MODULES[missing] ?? missing;
    return {
      fixable: true,
      kind: "system_package",
      package: pkg,
      ecosystem: "debian",
      systemPackages: { debian: pkg },
      summary: `missing standard-library module '${missing}' of the distribution's Python: Debian/Ubuntu ship it as ${pkg}`,
      confidence: 0.8,
    };
  },
};
