/**
 * Whether a request is sent again, decided from what happened to it. Pure. Only safe reads (GET, HEAD) are
 * retried, within their attempts: on a 503, and on a connection that broke once it was made. Never a
 * changing request (the caller re-reads state before trying again), a timeout (it already waited), a TLS
 * failure (it will not heal), or a connection refused or never made (a system that is down, the core
 * failover case, would make every read cost the backoff).
 */
import { MapiTimeoutError, MapiTlsError, MapiUnreachableError, type MapiError } from "./errors";

export type Method = "GET" | "HEAD" | "PUT" | "POST" | "DELETE";

export type Outcome =
  /** An answer arrived. */
  | { status: number }
  /** No answer: the mapped error, and whether the connection itself failed (connect timeout, refused, reset before TLS). */
  | { error: MapiError; connectFailed: boolean };

export function shouldRetry(method: Method, attempt: number, attempts: number, outcome: Outcome): boolean {
  const safe = method === "GET" || method === "HEAD";
  if (!safe || attempt >= attempts) return false;
  if ("status" in outcome) return outcome.status === 503;
  const e = outcome.error;
  return e instanceof MapiUnreachableError && !(e instanceof MapiTlsError) && !(e instanceof MapiTimeoutError) && !outcome.connectFailed && e.code !== "ECONNREFUSED";
}
