import { describe, expect, it } from "vitest";
import { EMPTY_MAPS, type ResolveContext } from "../../src/diagnose/diagnoser.js";
import { toolName } from "../../src/diagnose/diagnosers/missing-tool.js";
import { HEADER_PACKAGES } from "../../src/diagnose/data/system-packages.js";
import { packageRoot, resolveNodeModule } from "../../src/diagnose/names/node-name.js";
import { dottedPrefixes, resolvePythonModule } from "../../src/diagnose/names/python-name.js";
import { lookupSystemPackages } from "../../src/diagnose/names/system-name.js";
import { allowedDistance, editDistance, nearMiss } from "../../src/diagnose/names/typo.js";
import { indexProjectFiles } from "../../src/diagnose/project-index.js";

const plain: ResolveContext = { maps: EMPTY_MAPS, project: null };
const pkgOf = (r: ReturnType<typeof resolvePythonModule>) => (r.fixable ? r.package : `refused: ${r.reason}`);

describe("python import name -> PyPI distribution", () => {
  it.each([
    ["yaml", "PyYAML"],
    ["cv2", "opencv-python"],
    ["PIL", "Pillow"],
    ["PIL.Image", "Pillow"],
    ["sklearn.model_selection", "scikit-learn"],
    ["bs4", "beautifulsoup4"],
    ["dateutil.parser", "python-dateutil"],
    ["dotenv", "python-dotenv"],
    ["jwt", "PyJWT"],
    ["psycopg2", "psycopg2-binary"],
    ["MySQLdb", "mysqlclient"],
    ["Crypto.Cipher", "pycryptodome"],
    ["magic", "python-magic"],
    ["google.protobuf.internal", "protobuf"],
    ["attr", "attrs"],
    ["serial", "pyserial"],
    ["usb.core", "pyusb"],
    ["zmq", "pyzmq"],
    ["distutils.core", "setuptools"],
    ["requests", "requests"],
    ["flask_sqlalchemy", "Flask-SQLAlchemy"],
    ["numpy.linalg", "numpy"],
  ])("%s -> %s", (name, dist) => {
    expect(pkgOf(resolvePythonModule(name, plain))).toBe(dist);
  });

  it.each([
    ["os", "standard library"],
    ["os.pth", "has no module 'os.pth'"],
    ["json", "standard library"],
    ["urllib2", "Python 2"],
    ["reqeusts", "typo"],
    ["nmupy", "typo"],
    ["Yaml", "typo"],
    ["flask-cors", "did you mean 'flask_cors'"],
    ["google", "namespace"],
    ["_secret", "private or extension module"],
    ["app", "generic project-layout name"],
  ])("%s is refused (%s)", (name, reason) => {
    const r = resolvePythonModule(name, plain);
    expect(r.fixable).toBe(false);
    if (!r.fixable) expect(r.reason).toContain(reason);
  });

  it("repository maps win, and null means never fix", () => {
    const maps = { ...EMPTY_MAPS, python: { acme_internal: "acme-internal-sdk", yaml: null } };
    expect(pkgOf(resolvePythonModule("acme_internal.client", { maps, project: null }))).toBe(
      "acme-internal-sdk",
    );
    expect(pkgOf(resolvePythonModule("yaml", { maps, project: null }))).toContain('"never fix"');
    expect(
      pkgOf(resolvePythonModule("app", { maps: { ...EMPTY_MAPS, python: { app: "app" } }, project: null })),
    ).toBe("app");
  });

  it("the project's own modules are refused, third-party ones still fixed", () => {
    const project = indexProjectFiles([
      "services/api/requirements.txt",
      "services/api/payments/__init__.py",
      "services/api/ledger.py",
      "tools/deep/nested/yaml.py",
      "node_modules/redis/index.py",
    ]);
    const context = { maps: EMPTY_MAPS, project };
    expect(pkgOf(resolvePythonModule("payments.stripe", context))).toContain(
      "services/api/payments/__init__.py",
    );
    expect(pkgOf(resolvePythonModule("ledger", context))).toContain("services/api/ledger.py");
    // A stray file deep below no root does not shadow a real dependency; node_modules is ignored.
    expect(pkgOf(resolvePythonModule("yaml", context))).toBe("PyYAML");
    expect(pkgOf(resolvePythonModule("redis", context))).toBe("redis");
  });

  it("dotted prefixes run longest first", () => {
    expect(dottedPrefixes("a.b.c")).toEqual(["a.b.c", "a.b", "a"]);
  });
});

describe("node specifier -> npm package", () => {
  it.each([
    ["lodash/merge", "lodash"],
    ["lodash", "lodash"],
    ["@scope/pkg/x/y", "@scope/pkg"],
    ["@scope/pkg", "@scope/pkg"],
  ])("packageRoot(%s) = %s", (spec, root) => expect(packageRoot(spec)).toBe(root));

  it.each([
    ["lodash/merge", "lodash"],
    ["@aws-sdk/client-s3/dist-cjs", "@aws-sdk/client-s3"],
    ["left-pad", "left-pad"],
    ["socket.io", "socket.io"],
  ])("%s -> %s", (spec, pkg) => expect(pkgOf(resolveNodeModule(spec, plain))).toBe(pkg));

  it.each([
    ["./x", "relative path"],
    ["../lib/x.js", "relative path"],
    ["/app/dist/index.js", "absolute path"],
    ["C:\\app\\index.js", "absolute path"],
    ["#internal/db", "subpath import"],
    ["@/components/Button", "path alias"],
    ["fs", "built-in"],
    ["fs/promises", "built-in"],
    ["node:test", "built-in"],
    ["lodahs", "away from 'lodash': looks like a typo"],
    ["Express", "not a valid npm package name; looks like a typo of 'express'"],
    ["utils", "generic project-layout name"],
  ])("%s is refused (%s)", (spec, reason) => {
    expect(pkgOf(resolveNodeModule(spec, plain))).toContain(reason);
  });

  it("a bare specifier naming a project folder is the project's own code", () => {
    const project = indexProjectFiles([
      "web/package.json",
      "web/src/store/index.ts",
      "web/src/store/cart.ts",
    ]);
    expect(pkgOf(resolveNodeModule("store/cart", { maps: EMPTY_MAPS, project }))).toContain("web/src/store");
    expect(pkgOf(resolveNodeModule("redux", { maps: EMPTY_MAPS, project }))).toBe("redux");
  });
});

describe("system names", () => {
  it("headers resolve exactly or by directory", () => {
    expect(lookupSystemPackages("zlib.h", HEADER_PACKAGES)?.alpine).toBe("zlib-dev");
    expect(lookupSystemPackages("openssl/ssl.h", HEADER_PACKAGES)?.debian).toBe("libssl-dev");
    expect(lookupSystemPackages("openssl/opensslv.h", HEADER_PACKAGES)?.rpm).toBe("openssl-devel");
    expect(lookupSystemPackages("not-a-header.h", HEADER_PACKAGES)).toBeNull();
  });

  it.each([
    ["x86_64-linux-gnu-gcc", "gcc"],
    ["/usr/bin/make", "make"],
    ["aarch64-alpine-linux-musl-gcc", "gcc"],
    ["scripts/build.sh", "scripts/build.sh"],
  ])("toolName(%s) = %s", (raw, name) => expect(toolName(raw)).toBe(name));
});

describe("the typo rule", () => {
  it("counts swaps as one edit and stops early", () => {
    expect(editDistance("reqeusts", "requests")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("abcdef", "uvwxyz", 1)).toBe(2);
  });

  it("only short distances to well-known names count", () => {
    const known = new Set(["requests", "numpy", "six", "express"]);
    expect(nearMiss("reqests", known)).toBe("requests");
    expect(nearMiss("reqestss", known)).toBe("requests"); // 8 letters: two edits allowed
    expect(nearMiss("rekwestz", known)).toBeNull(); // three edits
    expect(nearMiss("numpyy", known)).toBe("numpy");
    expect(nearMiss("numbaa", known)).toBeNull(); // two edits from a 5-letter name
    expect(nearMiss("sax", known)).toBeNull(); // names under 4 letters are never used
    expect(nearMiss("numpy", known)).toBeNull(); // a known name is not a typo
    expect(nearMiss("EXPRESS", known)).toBe("express");
  });

  it("picks what comparing with every known name picks: case first, then the closest, then set order", () => {
    // Reference: the rule as stated, one comparison per known name.
    const reference = (name: string, known: ReadonlySet<string>): string | null => {
      if (known.has(name) || name.length < 3) return null;
      const lower = name.toLowerCase();
      let best: { name: string; distance: number } | null = null;
      for (const candidate of known) {
        if (candidate.toLowerCase() === lower) return candidate;
        const max = allowedDistance(candidate);
        if (max === 0) continue;
        const distance = editDistance(lower, candidate.toLowerCase(), max);
        if (distance <= max && (!best || distance < best.distance)) best = { name: candidate, distance };
      }
      return best?.name ?? null;
    };
    const known = new Set([
      "requests",
      "request",
      "numpy",
      "numba",
      "six",
      "Flask",
      "flask-cors",
      "lodash",
      "yaml",
      "PyYAML",
    ]);
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const letters = "abcdefghijklmnopqrstuvwxyzAY-";
    const names = [...known].flatMap((word) =>
      Array.from({ length: 60 }, () => {
        const chars = [...word];
        for (let edits = 1 + random(3); edits > 0; edits--) {
          const at = random(chars.length + 1);
          const op = random(3);
          if (op === 0) chars.splice(at, 0, letters[random(letters.length)]!);
          else if (op === 1 && chars.length > 1) chars.splice(at % chars.length, 1);
          else chars[at % chars.length] = letters[random(letters.length)]!;
        }
        return chars.join("");
      }),
    );
    let typos = 0;
    for (const name of [...names, "REQUESTS", "yAmL", "Flask", "sixx"]) {
      const expected = reference(name, known);
      if (expected) typos++;
      expect(nearMiss(name, known), name).toBe(expected);
    }
    expect(typos).toBeGreaterThan(50); // the sample does exercise the typo branch
  });
});
