/**
 * A package index over HTTP for the app process: the PyPI JSON API (`/pypi/<name>/json`) beside a
 * `/simple` index URL, so `PIP_INDEX_URL` points the app's dependency-confusion check here. It knows
 * only the packages it is given; every other name is 404, as on PyPI.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pypiDocument } from "../helpers/registry.js";

export interface FakePyPI {
  /** For PIP_INDEX_URL. */
  indexUrl: string;
  /** Every path asked for, in order. */
  readonly asked: readonly string[];
  close(): Promise<void>;
}

export async function serveFakePyPI(
  packages: Record<string, Array<{ version: string; uploaded: Date }>>,
): Promise<FakePyPI> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    asked.push(path);
    const name = /^\/pypi\/([^/]+)\/json$/.exec(path)?.[1];
    const versions = name ? packages[decodeURIComponent(name)] : undefined;
    if (!name || !versions) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not Found"}');
      return;
    }
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify(pypiDocument(name, versions)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    indexUrl: `http://127.0.0.1:${port}/simple`,
    asked,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
