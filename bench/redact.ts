/**
 * Redaction throughput on a CI-like log: a redactor with ten registered secrets (each with all its
 * encoded forms: base64, base64url, URL, JSON, hex) against a baseline measured in the same run, the
 * same redactor with no registered secret (token shapes only). Prints MB/s for both and the ratio.
 */
import { createRedactor, type Redactor } from "../src/redact/redactor.js";

const TARGET_CHARS = 32 * 1024 * 1024;
const ROUNDS = 3;

function log(): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < TARGET_CHARS; i++) {
    const line =
      i % 97 === 0
        ? `2026-03-02T09:14:11.1234567Z Authorization: token ghs_${"a1B2".repeat(9)} pushed to origin`
        : `2026-03-02T09:14:11.1234567Z   Downloading package-${i % 5000}-1.${i % 13}.0.tar.gz (${i % 900} kB) from https://files.example.org/p/${i}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n");
}

function measure(r: Redactor, text: string): number {
  r.redact(text.slice(0, 100_000)); // compile the pattern outside the timing
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    r.redact(text);
    best = Math.min(best, performance.now() - started);
  }
  return text.length / 1e6 / (best / 1000);
}

export async function benchRedact(): Promise<void> {
  const text = log();
  const full = createRedactor();
  for (let i = 0; i < 10; i++) full.add(`registered-secret-${i}-${"x".repeat(24)}"\\\t/+=`);
  const shapesOnly = createRedactor();
  const withForms = measure(full, text);
  const baseline = measure(shapesOnly, text);
  console.log(`log: ${(text.length / 1e6).toFixed(1)} MB; ${full.size} registered forms of 10 secrets`);
  console.log(`shapes only (baseline): ${baseline.toFixed(1)} MB/s`);
  console.log(`10 secrets, all forms:  ${withForms.toFixed(1)} MB/s`);
  console.log(`ratio (all forms / baseline): ${(withForms / baseline).toFixed(2)}`);
}
