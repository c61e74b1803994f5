/**
 * GitHub failing every reporting call for a while: comments, check runs, deployment statuses and
 * dispatches answer 502 and 429 alternately while armed. Registered on the harness's scope BEFORE the
 * fake GitHub, so while disarmed every request falls through to the fake and is answered from its state.
 */
import type nock from "nock";

const REPORTING =
  /\/(issues\/\d+\/comments|issues\/comments\/\d+|check-runs(\/\d+)?|deployments\/\d+\/statuses|dispatches)$/;

export interface InjectedFault {
  method: string;
  path: string;
  status: 502 | 429;
}

export interface FlakyReporting {
  arm(): void;
  disarm(): void;
  readonly armed: boolean;
  readonly injected: readonly InjectedFault[];
}

export function installFlakyReporting(scope: nock.Scope): FlakyReporting {
  let armed = false;
  const injected: InjectedFault[] = [];
  const matches = (path: string) => armed && REPORTING.test(path.split("?")[0]!);
  scope.persist();
  for (const method of ["POST", "PATCH"] as const) {
    scope
      .intercept(matches, method)
      .optionally()
      .reply(function (this: { req: { path: string } }) {
        const status = injected.length % 2 === 0 ? 502 : 429;
        injected.push({ method, path: this.req.path, status });
        return status === 502
          ? [502, { message: "Server Error" }, {}]
          : [
              429,
              { message: "You have exceeded a secondary rate limit." },
              { "retry-after": "1", "x-ratelimit-remaining": "0" },
            ];
      });
  }
  return {
    arm: () => void (armed = true),
    disarm: () => void (armed = false),
    get armed() {
      return armed;
    },
    injected,
  };
}
