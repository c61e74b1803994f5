/** The fake GitHub's `POST /repos/{owner}/{repo}/dispatches`: records each repository_dispatch event. */
import type { Router } from "./fake-router.js";
import { ok, repoRoute } from "./fake-state.js";

export interface FakeDispatch {
  event_type: string;
  client_payload: Record<string, unknown>;
  /** Epoch ms when the fake received it. */
  at: number;
}

export function registerDispatches(router: Router): FakeDispatch[] {
  const dispatches: FakeDispatch[] = [];
  router.on("POST", repoRoute("/dispatches"), (req) => {
    dispatches.push({
      event_type: String(req.body.event_type),
      client_payload: (req.body.client_payload ?? {}) as Record<string, unknown>,
      at: Date.now(),
    });
    return ok(null, 204);
  });
  return dispatches;
}
