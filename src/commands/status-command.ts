import type { Command } from "./parse-command.js";
import type { CommandHandler } from "./command-handler.js";
import { serviceDeployments } from "../deploy/service-deployments.js";
import { renderStatus, STATUS_ROWS, type ServiceHistory } from "../deploy/deploy-texts.js";
import { requireService } from "../config/service.js";

/** `/orchestrator status [service]`: what runs now and the last deployments, per service, as tables. */
export const statusCommand: CommandHandler<Extract<Command, { name: "status" }>> = async (ctx, command) => {
  const { client, config, sender } = ctx;
  const names = command.service ? [command.service] : Object.keys(config.services);
  const histories: ServiceHistory[] = [];
  for (const service of names) {
    const serviceConfig = requireService(config, service).config;
    const records = await serviceDeployments(client, {
      service,
      environment: serviceConfig.environment,
      limit: STATUS_ROWS,
    });
    histories.push({ service, environment: serviceConfig.environment, records });
  }
  return `@${sender} deploy status:\n\n${renderStatus(histories)}`;
};
