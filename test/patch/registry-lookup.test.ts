import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { packageRegistry, redactUrl } from "../../src/patch/registry-lookup.js";

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe("packageRegistry", () => {
  it("takes the oldest upload of any release on PyPI, reading times without a zone as UTC", async () => {
    nock("https://pypi.org")
      .get("/pypi/requests/json")
      .reply(200, {
        info: { version: "2.32.3" },
        releases: {
          "2.32.3": [{ upload_time_iso_8601: "2024-05-29T15:37:47.520Z" }],
          "0.2.0": [{ upload_time: "2011-02-14T04:47:08" }],
          "0.0.0": [],
        },
      });
    expect(await packageRegistry().facts("pypi", "requests")).toEqual({
      ecosystem: "pypi",
      name: "requests",
      latest: "2.32.3",
      firstPublished: new Date("2011-02-14T04:47:08Z"),
      page: "https://pypi.org/project/requests/",
      source: "https://pypi.org/pypi/requests/json",
    });
  });

  it("takes the oldest npm time but 'modified', and encodes a scoped name's slash", async () => {
    nock("https://registry.npmjs.org")
      .get("/@types%2fnode")
      .reply(200, {
        "dist-tags": { latest: "22.1.0" },
        time: {
          modified: "2001-01-01T00:00:00Z",
          created: "2016-05-17T18:00:00Z",
          "0.0.1": "2016-05-17T18:00:01Z",
        },
      });
    expect(await packageRegistry().facts("npm", "@types/node")).toMatchObject({
      latest: "22.1.0",
      firstPublished: new Date("2016-05-17T18:00:00Z"),
      page: "https://www.npmjs.com/package/@types/node",
    });
  });

  it("rejects names that are not package names before any request", async () => {
    await expect(packageRegistry().facts("pypi", "../../etc")).rejects.toThrow(
      "not a valid PyPI project name",
    );
    await expect(packageRegistry().facts("npm", "Bad Name")).rejects.toThrow("not a valid npm package name");
  });

  it("refuses a registry URL that is not http(s), without echoing credentials", () => {
    expect(() => packageRegistry({ endpoints: { npm: "file:///etc" } })).toThrow("must use http or https");
    expect(() => packageRegistry({ endpoints: { npm: "nonsense://u:pw@" } })).toThrow(
      "the npm registry URL 'nonsense://' is not a URL",
    );
    expect(redactUrl("https://user:pw@host/x")).toBe("https://host/x");
  });
});
