/** Serves the status routes on 127.0.0.1 only: the runner host keeps no port open to the outside. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { errorMessage } from "../../github/errors.js";
import { routeRunnerStatus, type StatusContext } from "./status-routes.js";

export interface RunningStatusServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function serveRunnerStatus(port: number, ctx: StatusContext): Promise<RunningStatusServer> {
  const server: Server = createServer((req, res) => {
    routeRunnerStatus(req.method ?? "GET", req.url ?? "/", ctx)
      .catch((error: unknown) => ({
        status: 500,
        contentType: "application/json; charset=utf-8",
        body: `${JSON.stringify({ error: errorMessage(error) })}\n`,
      }))
      .then(
        (response) => {
          res.writeHead(response.status, { "content-type": response.contentType });
          res.end(req.method === "HEAD" ? undefined : response.body);
        },
        () => res.destroy(),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
