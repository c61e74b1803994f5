import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeHealthUrl } from "../../../runner/monitor/health-probe.js";
import { freePort } from "../stack.js";

describe("probeHealthUrl", () => {
  let server: Server;
  let base: string;
  const hung: Array<() => void> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/ok") res.writeHead(200).end("ok\n");
      else if (req.url === "/moved") res.writeHead(302, { location: "/elsewhere" }).end();
      else if (req.url === "/broken") res.writeHead(503).end("down\n");
      else if (req.url === "/silent") hung.push(() => res.destroy());
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const release of hung) release();
    await new Promise((resolve) => server.close(resolve));
  });

  it("2xx and 3xx are healthy (a redirect is not followed); others are not, with the status", async () => {
    expect(await probeHealthUrl(`${base}/ok`, 2000)).toEqual({
      ok: true,
      status: 200,
      detail: `GET ${base}/ok -> HTTP 200`,
    });
    expect(await probeHealthUrl(`${base}/moved`, 2000)).toMatchObject({ ok: true, status: 302 });
    expect(await probeHealthUrl(`${base}/broken`, 2000)).toEqual({
      ok: false,
      status: 503,
      detail: `GET ${base}/broken -> HTTP 503`,
    });
  });

  it("a server that accepts and never answers is cut at the deadline", async () => {
    const result = await probeHealthUrl(`${base}/silent`, 300);
    expect(result).toEqual({
      ok: false,
      timedOut: true,
      detail: `GET ${base}/silent -> no answer within 300 ms`,
    });
  });

  it("names a refused connection and a URL it cannot use", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/health`;
    expect(await probeHealthUrl(closed, 2000)).toEqual({
      ok: false,
      detail: `GET ${closed} -> ECONNREFUSED`,
    });
    expect(await probeHealthUrl("not a url", 2000)).toEqual({
      ok: false,
      detail: "GET not a url -> not a URL",
    });
    expect(await probeHealthUrl("ftp://127.0.0.1/x", 2000)).toEqual({
      ok: false,
      detail: "GET ftp://127.0.0.1/x -> not an http(s) URL",
    });
  });
});
