import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { registryVersions, requireLatest } from "../../src/patch/versions.js";

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe("registryVersions", () => {
  it("reads info.version from the PyPI JSON API", async () => {
    nock("https://pypi.org")
      .get("/pypi/PyYAML/json")
      .reply(200, { info: { version: "6.0.2" } });
    expect(await registryVersions().latest("pypi", "PyYAML")).toBe("6.0.2");
  });

  it("reads dist-tags.latest from npm and encodes the slash of scoped names", async () => {
    nock("https://registry.npmjs.org")
      .get("/@types%2fnode")
      .reply(200, { "dist-tags": { latest: "22.1.0" } });
    nock("https://registry.npmjs.org")
      .get("/lodash")
      .reply(200, { "dist-tags": { latest: "4.17.21" } });
    const versions = registryVersions();
    expect(await versions.latest("npm", "@types/node")).toBe("22.1.0");
    expect(await versions.latest("npm", "lodash")).toBe("4.17.21");
  });

  it("uses the configured mirror URLs", async () => {
    nock("http://mirror.invalid")
      .get("/pypi/flask/json")
      .reply(200, { info: { version: "3.0.3" } });
    expect(await registryVersions({ pypiUrl: "http://mirror.invalid/" }).latest("pypi", "flask")).toBe(
      "3.0.3",
    );
  });

  it("names the package on 404, on server errors and on network failures", async () => {
    nock("https://pypi.org").get("/pypi/no-such-thing/json").reply(404, {});
    await expect(registryVersions().latest("pypi", "no-such-thing")).rejects.toThrow(
      "PyPI package 'no-such-thing' does not exist",
    );
    nock("https://registry.npmjs.org").get("/left-pad").reply(503, "busy");
    await expect(registryVersions().latest("npm", "left-pad")).rejects.toThrow(
      "could not look up npm package 'left-pad': HTTP 503",
    );
    nock("https://registry.npmjs.org").get("/left-pad").replyWithError("ECONNRESET");
    await expect(registryVersions().latest("npm", "left-pad")).rejects.toThrow(
      /could not look up npm package 'left-pad'/,
    );
  });

  it("rejects names that are not package names before any request", async () => {
    await expect(registryVersions().latest("pypi", "../../etc")).rejects.toThrow(
      "'../../etc' is not a valid PyPI project name",
    );
    await expect(registryVersions().latest("npm", "Bad Name")).rejects.toThrow(
      "not a valid npm package name",
    );
  });

  it("returns null without a version and requireLatest turns that into a clear error", async () => {
    nock("https://pypi.org").get("/pypi/empty/json").reply(200, { info: {} });
    const versions = registryVersions();
    await expect(requireLatest(versions, "pypi", "empty")).rejects.toThrow(
      "PyPI reports no released version of 'empty'",
    );
  });

  it("uses an injected fetch", async () => {
    const seen: string[] = [];
    const fake = (async (url: string) => {
      seen.push(String(url));
      return new Response(JSON.stringify({ "dist-tags": { latest: "1.0.0" } }), { status: 200 });
    }) as unknown as typeof fetch;
    expect(await registryVersions({ fetch: fake, npmUrl: "https://npm.example" }).latest("npm", "x")).toBe(
      "1.0.0",
    );
    expect(seen).toEqual(["https://npm.example/x"]);
  });
});
