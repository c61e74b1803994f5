import type { ConfigError } from "../config/parse.js";
import type { FixOutcome } from "../app/fix-service.js";
import { renderPlan } from "./fix-story.js";
import { codeBlock, escapeHtml, inlineCode, neutralise, userCode } from "./text.js";

/** The one answer to a command, for each way it can end. Pure. */

export function answerOutcome(outcome: FixOutcome, sender: string): string {
  switch (outcome.kind) {
    case "opened":
      return `@${sender} opened ${outcome.pull.url} to add ${inlineCode(outcome.finding.package)} for ${inlineCode(outcome.service)}. It needs an approving review before it can deploy.`;
    case "existing":
      return `@${sender} this fix (${inlineCode(outcome.finding.package)} for ${inlineCode(outcome.service)}) is already open: ${outcome.pull.url}`;
    case "closed-before":
      return (
        `@${sender} the same fix (${inlineCode(outcome.finding.package)} for ${inlineCode(outcome.service)}) was proposed in ` +
        `${outcome.pull.url} and closed without merging, so it is not proposed again. ` +
        `Use \`/orchestrator fix ${outcome.service} --force\` to propose it anyway.`
      );
    case "refused":
      return [
        `@${sender} no fix for ${inlineCode(outcome.service)}: ${neutralise(escapeHtml(outcome.reason))}. No branch was created.`,
        ...outcome.refusals.map((r) => `- ${neutralise(escapeHtml(r))}`),
      ].join("\n");
    case "planned":
      return `@${sender} ${renderPlan(outcome.story)}`;
  }
}

export function answerNothingToFix(sender: string, service: string, why: string[]): string {
  return [
    `@${sender} nothing to fix for ${inlineCode(service)}:`,
    // Each line names the failed job, whose name a fork's pull request chooses.
    ...why.map((w) => `- ${userCode(w)}`),
  ].join("\n");
}

export function answerNoFailure(sender: string, sha: string, where: string): string {
  return `@${sender} found no failed workflow run or check run on ${where} (${inlineCode(sha.slice(0, 7))}), so there is no log to diagnose.`;
}

export function answerMissingConfig(sender: string): string {
  return [
    `@${sender} this repository has no \`.github/orchestrator.yml\` on its default branch (nor in the organization's \`.github\` repository), so orchestrator does nothing yet. A minimal one:`,
    codeBlock(
      [
        "services:",
        "  api:",
        "    path: services/api        # fixes stay inside this folder",
        "    environment: production",
        "auto_fix: false               # true: open fix PRs on CI failures by themselves",
        "commands: { permission: write }",
      ].join("\n"),
      "yaml",
    ),
  ].join("\n\n");
}

export function renderConfigErrors(errors: ConfigError[]): string {
  return errors.map((e) => `- ${inlineCode(e.path)}: ${escapeHtml(e.message)}`).join("\n");
}

export function answerInvalidConfig(sender: string, errors: ConfigError[]): string {
  return `@${sender} \`.github/orchestrator.yml\` is invalid, so orchestrator does nothing until it is fixed:\n\n${renderConfigErrors(errors)}`;
}

export function answerUnauthorized(sender: string, has: string, needs: string): string {
  return `@${sender} orchestrator commands need \`${needs}\` permission on this repository; you have \`${has}\`.`;
}

export function answerUnknownService(sender: string, service: string, configured: string[]): string {
  return `@${sender} ${inlineCode(service)} is not a configured service. Configured: ${configured.map(inlineCode).join(", ")}.`;
}

export function answerParseError(sender: string, message: string): string {
  return `@${sender} ${message}`;
}
