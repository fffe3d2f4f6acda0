/**
 * An HTTPS agent whose new connections must finish the TCP connect and the TLS handshake in time: a dead
 * site usually black-holes (accepts nothing, answers nothing), which must cost a short connect timeout,
 * not the response timeout.
 */
import { Agent } from "node:https";
import type { TLSSocket } from "node:tls";
import { connectTimeoutMessage } from "./connectFailures";

/** Marks the error an agent raises when a connection's TCP connect and TLS handshake took too long. */
export const CONNECT_TIMEOUT = Symbol("connectTimeout");

function connectTimeoutError(ms: number): Error {
  return Object.assign(new Error(connectTimeoutMessage(ms)), { code: "ETIMEDOUT", [CONNECT_TIMEOUT]: ms });
}

/** How often a connection attempt looks whether another process of the deployment gave up on the system. */
const SHARED_FAILURE_POLL_MS = 50;

/**
 * An HTTPS agent whose new connections must complete the TCP connect and the TLS handshake within
 * `connectTimeoutMs`: a socket that connects but never gets a server hello is caught too. An attempt also
 * ends early once `sharedFailure` reports that this deployment's program gave up on the system.
 */
export class ConnectTimeoutAgent extends Agent {
  constructor(
    options: ConstructorParameters<typeof Agent>[0],
    private readonly connectTimeoutMs: number,
    private readonly sharedFailure: () => unknown = () => undefined,
  ) {
    super(options);
  }

  override createConnection(...args: unknown[]): TLSSocket {
    const create = (Agent.prototype as unknown as { createConnection: (...a: unknown[]) => TLSSocket }).createConnection;
    const socket = create.apply(this, args);
    const ms = this.connectTimeoutMs;
    let secure = false;
    // Decided one turn of the event loop later: when the process was busy, the handshake that arrived in
    // the meantime is read first, so a slow process does not mistake a live system for a dead one.
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (!secure && !socket.destroyed) socket.destroy(connectTimeoutError(ms));
        }),
      ms,
    );
    const shared = setInterval(() => {
      if (!secure && !socket.destroyed && this.sharedFailure()) socket.destroy(connectTimeoutError(ms));
    }, SHARED_FAILURE_POLL_MS);
    shared.unref();
    const done = () => {
      secure = true;
      clearTimeout(timer);
      clearInterval(shared);
    };
    socket.once("secureConnect", done);
    socket.once("close", done);
    return socket;
  }
}
