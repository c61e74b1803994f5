import { withDeadline } from "./deadline.js";
import type { HttpObservation } from "./verdict.js";

/**
 * One GET of the health URL: 2xx/3xx is healthy; redirects are not followed. Bounded by a referenced
 * timer (a published port whose container does not listen yet can accept and then never answer).
 */
export async function probeHttp(url: string, timeoutMs: number): Promise<HttpObservation> {
  const ms = Math.max(100, timeoutMs);
  try {
    return await withDeadline(`GET ${url}`, ms, async (signal) => {
      const response = await fetch(url, { redirect: "manual", signal });
      await response.body?.cancel().catch(() => {});
      const ok = response.status >= 200 && response.status < 400;
      return { ok, status: response.status, detail: `GET ${url} -> HTTP ${response.status}` };
    });
  } catch (error) {
    if (error instanceof Error && error.name === "DeadlineError")
      return { ok: false, timedOut: true, detail: `GET ${url} -> no answer within ${ms} ms` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return { ok: false, detail: `GET ${url} -> ${why}` };
  }
}
