import type { DistroChoice, DistroName } from "./finding.js";

/**
 * Which distribution the image runs, from the service's Dockerfile base (what the patch will edit) or,
 * failing that, from the log itself: package-manager output, image tags, `/etc/os-release`, musl's
 * wording. Nothing found means Debian is assumed, and the diagnosis says so.
 */

interface DistroRule {
  literal: string;
  pattern: RegExp;
  name: DistroName;
}

const RULES: DistroRule[] = [
  { literal: "apk ", pattern: /\bapk (?:add|update|upgrade|--no-cache)\b/, name: "alpine" },
  {
    literal: "alpine",
    pattern: /[:\-/]alpine\b|\bID=alpine\b|-alpine-linux-musl|\/etc\/apk\//,
    name: "alpine",
  },
  { literal: "Alpine", pattern: /\bAlpine Linux\b/, name: "alpine" },
  { literal: "musl", pattern: /\bmusl\b/, name: "alpine" },
  { literal: "Error relocating", pattern: /^Error relocating /, name: "alpine" },
  { literal: "apt-get", pattern: /\bapt-get (?:install|update)\b/, name: "debian" },
  { literal: "dpkg", pattern: /\bdpkg(?:-deb)?\b/, name: "debian" },
  { literal: "debian", pattern: /\bdebian[:/]|\bID=debian\b|deb\.debian\.org/, name: "debian" },
  { literal: "Debian", pattern: /\bDebian GNU\/Linux\b/, name: "debian" },
  {
    literal: "-slim",
    pattern: /:[\w.-]*-slim\b|(?:bookworm|bullseye|buster|stretch|trixie)(?:-slim)?\b/,
    name: "debian",
  },
  { literal: "ubuntu", pattern: /\bubuntu:|\bID=ubuntu\b|archive\.ubuntu\.com/, name: "ubuntu" },
  { literal: "Ubuntu", pattern: /\bUbuntu \d\d\.\d\d\b/, name: "ubuntu" },
];

/** Literal markers for the line scanner: only lines holding one are looked at. */
export const DISTRO_TRIGGERS = [...new Set(RULES.map((rule) => rule.literal))];

/**
 * busybox ash, Alpine's /bin/sh, reports a missing command as `sh: x: not found` (or, running a script,
 * `./build.sh: line 3: x: not found`). Debian's and Ubuntu's dash always adds the line number
 * (`sh: 1: x: not found`), bash says `command not found`, and bash's `exec: x: not found` has one more
 * field. A weak sign: it names Alpine only when no line names a distribution.
 */
const BUSYBOX_NOT_FOUND =
  /(?:^|\s)(?:\/bin\/)?a?sh: [\w./+-]+: not found$|^\s*[\w./-]+: line \d+: [\w./+-]+: not found$/;

/** The line is busybox's wording of a missing command (see BUSYBOX_NOT_FOUND). */
export function isBusyboxNotFound(line: string): boolean {
  return line.endsWith(": not found") && BUSYBOX_NOT_FOUND.test(line);
}

/** The distribution a log line shows, or null. */
export function distroOfLine(line: string): DistroName | null {
  for (const rule of RULES) if (line.includes(rule.literal) && rule.pattern.test(line)) return rule.name;
  return null;
}

/** `python:3.12-alpine` -> alpine, `node:20-bookworm-slim` -> debian, `ubuntu:22.04` -> ubuntu. */
export function distroOfImage(image: string): DistroName | null {
  const name = image.toLowerCase().replace(/@sha256:[0-9a-f]+$/, "");
  if (/alpine/.test(name)) return "alpine";
  if (/(^|\/)ubuntu(:|$)|jammy|focal|noble|bionic/.test(name)) return "ubuntu";
  if (/(^|\/)debian(:|$)|bookworm|bullseye|buster|stretch|trixie|-slim\b/.test(name)) return "debian";
  // The official language images (python, node, ruby, golang, ...) are Debian based unless tagged otherwise.
  if (/(^|\/)(python|node|ruby|golang|php|openjdk|eclipse-temurin|rust|perl|buildpack-deps)(:|$)/.test(name))
    return "debian";
  return null;
}

/**
 * Keeps the strongest signal seen: the Dockerfile base wins, then the last distribution line of the log,
 * then the last weak sign (busybox's wording).
 */
export class DistroDetector {
  private fromLog: { name: DistroName; line: string; order: number } | null = null;
  private weak: { name: DistroName; line: string; order: number } | null = null;
  private counter = 0;

  constructor(private readonly dockerBase: string | null = null) {}

  /** `order` says where in the log the line was (higher is later); by default, after every line so far. */
  observe(line: string, name: DistroName | null = distroOfLine(line), order = ++this.counter): void {
    if (name && (!this.fromLog || order >= this.fromLog.order)) this.fromLog = { name, line, order };
  }

  /** A weak sign (`order` as for `observe`): used only when no line and no Dockerfile names one. */
  observeWeak(line: string, name: DistroName, order = ++this.counter): void {
    if (!this.weak || order >= this.weak.order) this.weak = { name, line, order };
  }

  /** The distribution is known (Dockerfile base or a log line): reading more of the log cannot change it. */
  get decided(): boolean {
    return this.fromLog !== null || this.decidedByDockerfile;
  }

  /** The Dockerfile base names the distribution: no log line can change it. */
  get decidedByDockerfile(): boolean {
    return this.dockerBase !== null && distroOfImage(this.dockerBase) !== null;
  }

  choice(): DistroChoice {
    const image = this.dockerBase ? distroOfImage(this.dockerBase) : null;
    if (image) return { name: image, source: "dockerfile", evidence: `FROM ${this.dockerBase}` };
    if (this.fromLog) return { name: this.fromLog.name, source: "log", evidence: this.fromLog.line };
    if (this.weak) return { name: this.weak.name, source: "log", evidence: this.weak.line, weak: true };
    return { name: "debian", source: "assumed" };
  }
}
