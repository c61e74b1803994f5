import type { HttpObservation } from "./verdict.js";

/** One GET of the health URL: 2xx/3xx is healthy; redirects are not followed. */
export async function probeHttp(url: string, timeoutMs: number): Promise<HttpObservation> {
  try {
    const response = await fetch(url, {
      redirect: "manual",
      signal: AbortSignal.timeout(Math.max(100, timeoutMs)),
    });
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 400;
    return { ok, detail: `GET ${url} -> HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return { ok: false, detail: `GET ${url} -> ${why}` };
  }
}
