/** How a failed request is reported: each transport failure mapped to one MapiError class, copying only its code and message. */
import { CONNECT_TIMEOUT } from "./connectTimeoutAgent";
import { MapiConnectTimeoutError, MapiError, MapiResponseError, MapiTimeoutError, MapiTlsError, MapiUnreachableError } from "./errors";
import type { WireContext } from "./wire";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EPIPE",
  "ECONNABORTED",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "ERR_NETWORK",
  "EPROTO",
]);

const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "ERR_SOCKET_CONNECTION_TIMEOUT"]);

function isTlsCode(code: string | undefined): boolean {
  return (
    code !== undefined &&
    (/CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/.test(code) && code !== "EPROTO")
  );
}

/** Maps an axios/network failure to a MAPI error, copying only its code and message. */
export function mapTransportError(err: unknown, ctx: WireContext, timeoutMs: number): MapiError {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; cause?: unknown; [CONNECT_TIMEOUT]?: number };
  const code = typeof e.code === "string" ? e.code : undefined;
  const causeMessage = typeof e.message === "string" && e.message ? e.message : "request failed";
  const details = { method: ctx.method, url: ctx.url, path: ctx.path, ...(code ? { code } : {}), causeMessage };
  const connectTimeoutMs = e[CONNECT_TIMEOUT] ?? (e.cause as { [CONNECT_TIMEOUT]?: number } | undefined)?.[CONNECT_TIMEOUT];
  if (connectTimeoutMs !== undefined) return new MapiConnectTimeoutError({ ...details, connectTimeoutMs });
  // axios ends the stream past maxContentLength ("maxContentLength size of N exceeded").
  const cap = /maxContentLength size of (\d+) exceeded/.exec(causeMessage);
  if (cap) return new MapiResponseError({ ...ctx, problem: `the answer is longer than ${cap[1]} bytes: refused without reading it all` });
  if (
    (code && TIMEOUT_CODES.has(code)) ||
    (code === "ECONNABORTED" && /timeout/i.test(causeMessage))
  ) {
    return new MapiTimeoutError({ ...details, timeoutMs });
  }
  if (isTlsCode(code)) return new MapiTlsError(details);
  if ((code && NETWORK_CODES.has(code)) || /socket hang up|network/i.test(causeMessage)) {
    return new MapiUnreachableError(details);
  }
  return new MapiError(`${ctx.method} ${ctx.url} failed: ${causeMessage}`, { ...(code ? { code } : {}), message: causeMessage });
}
