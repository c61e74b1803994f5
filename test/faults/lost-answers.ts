/**
 * GitHub accepting a request and the answer getting lost (a proxy's 502 after GitHub stored it): the
 * runner's Octokit passes the request through, then throws a 502 instead of returning the response.
 * Wraps an installation client; while armed, requests matching `matches` are "lost" this way.
 */
import type { InstallationClient } from "../../runner/github/installation-client.js";

type Octokit = Awaited<ReturnType<InstallationClient["octokit"]>>;

export interface LostAnswers {
  client: InstallationClient;
  arm(): void;
  disarm(): void;
  /** `METHOD url-template` of every request whose answer was lost. */
  readonly lost: readonly string[];
}

export function loseAnswers(
  client: InstallationClient,
  matches: (method: string, url: string, params: Record<string, unknown>) => boolean,
): LostAnswers {
  let armed = false;
  const lost: string[] = [];
  const hooked = new WeakSet<Octokit>();
  const wrapped: InstallationClient = {
    owner: client.owner,
    repo: client.repo,
    token: () => client.token(),
    async octokit() {
      const octokit = await client.octokit();
      if (!hooked.has(octokit)) {
        hooked.add(octokit);
        octokit.hook.wrap("request", async (request, options) => {
          const response = await request(options);
          const method = String(options.method);
          const url = String(options.url);
          if (armed && matches(method, url, options as Record<string, unknown>)) {
            lost.push(`${method} ${url}`);
            throw Object.assign(new Error("Bad Gateway (the answer was lost after GitHub stored it)"), {
              status: 502,
            });
          }
          return response;
        });
      }
      return octokit;
    },
  };
  return {
    client: wrapped,
    arm: () => void (armed = true),
    disarm: () => void (armed = false),
    lost,
  };
}
