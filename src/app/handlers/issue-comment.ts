import type { Context } from "probot";
import { parseCommand } from "../../commands/parse-command.js";
import { COMMAND_HANDLERS } from "../../commands/registry.js";
import { postComment } from "../../../github/comments.js";
import { reactEyes } from "../../../github/reactions.js";
import { permissionAtLeast, repoPermission } from "../../github/permissions.js";
import { errorMessage } from "../../../github/errors.js";
import {
  answerInvalidConfig,
  answerMissingConfig,
  answerParseError,
  answerUnauthorized,
  answerUnknownService,
} from "../../render/answers.js";
import { clientFor } from "../client.js";
import { isBot } from "../../../github/bot.js";
import type { AppDeps } from "../deps.js";
import { loadConfig } from "../load-config.js";

/**
 * `/orchestrator ...` comments on issues and PRs. Guards, in order: bots (this app included) and
 * non-commands are ignored silently; the commenter's permission is checked through the API every
 * time; then eyes, then exactly one answer.
 */
export async function onIssueComment(
  context: Context<"issue_comment.created">,
  deps: AppDeps,
): Promise<void> {
  const { comment, issue, sender } = context.payload;
  const log = context.log.child({ handler: "issue_comment", comment: comment.id, issue: issue.number });
  if (isBot(sender) || isBot(comment.user)) {
    log.debug("ignoring a comment by a bot (this app included)");
    return;
  }
  const parsed = parseCommand(comment.body);
  if (parsed.kind === "none") {
    log.debug("not an orchestrator command");
    return;
  }
  const client = clientFor(context, deps.trust, log);
  const login = sender.login;
  const loaded = await loadConfig(context);
  const needs = loaded.status === "ok" ? loaded.config.commands.permission : "write";
  let has: Awaited<ReturnType<typeof repoPermission>>;
  try {
    has = await repoPermission(client, login);
  } catch (error) {
    log.warn(
      { user: login, err: errorMessage(error) },
      "could not read the commenter's permission: refusing",
    );
    await postComment(
      client,
      issue.number,
      `@${login} could not verify your permission on this repository, so the command was not run.`,
    );
    return;
  }
  if (!permissionAtLeast(has, needs)) {
    log.info({ user: login, has, needs }, "commenter lacks the permission for commands");
    await postComment(client, issue.number, answerUnauthorized(login, has, needs));
    return;
  }
  await reactEyes(client, comment.id);

  const answer = await (async (): Promise<string> => {
    if (loaded.status === "missing") return answerMissingConfig(login);
    if (loaded.status === "invalid") return answerInvalidConfig(login, loaded.errors);
    if (parsed.kind === "error") return answerParseError(login, parsed.message);
    const { command } = parsed;
    const { config } = loaded;
    // The service is checked against the config before anything else happens.
    if (
      "service" in command &&
      command.service !== undefined &&
      !Object.hasOwn(config.services, command.service)
    ) {
      log.info({ service: command.service }, "unknown service");
      return answerUnknownService(login, command.service, Object.keys(config.services));
    }
    const handler = COMMAND_HANDLERS[command.name];
    try {
      log.info({ command: command.name, user: login }, "running command");
      return await handler(
        {
          client,
          config,
          deps,
          issue: { number: issue.number, isPullRequest: Boolean(issue.pull_request) },
          sender: login,
        },
        command,
      );
    } catch (error) {
      log.error({ err: errorMessage(error), command: command.name }, "command failed");
      return `@${login} \`${command.name}\` failed: ${errorMessage(error)}`;
    }
  })();
  await postComment(client, issue.number, answer);
}
