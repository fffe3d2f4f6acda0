/**
 * What counts as a connection that never started, shared by the MAPI client (provider process) and the
 * deployment probe (program process). No imports: the program loads this without the client's libraries.
 */

/** DNS and routing failures: the connection never started. Remembered like a connect timeout. */
export const CONNECT_FAILURE_CODES: ReadonlySet<string> = new Set(["ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "EHOSTDOWN", "ENETUNREACH", "ENETDOWN"]);

/** The message of a connection whose TCP connect and TLS handshake took longer than `ms`. */
export function connectTimeoutMessage(ms: number): string {
  return `TCP connect and TLS handshake did not complete within ${ms} ms`;
}
