/**
 * Learning of the operator's Ctrl-C inside the provider process.
 *
 * On the first Ctrl-C the Pulumi CLI cancels the deployment (pkg/backend/cancellation_scope.go: "^C
 * received; cancelling"), and the engine sends every provider plugin a Cancel RPC
 * (pkg/resource/deploy/deployment_executor.go calls Host.SignalCancellation, which calls each provider's
 * SignalCancellation, the gRPC `Cancel`), then waits for the operations in flight to end. Two things keep
 * that from a dynamic provider: the terminal's SIGINT never reaches it (plugins run in a process group of
 * their own: sdk/go/common/util/cmdutil/child_unix.go RegisterProcessGroup sets Setpgid), and the
 * dynamic-provider host of @pulumi/pulumi answers `Cancel` with an empty reply and tells no one
 * (cmd/dynamic-provider/index.js, `cancel(call, callback)`). The SDK has no hook for it.
 *
 * So this module watches the host's gRPC server for that call: it wraps the method of @grpc/grpc-js's
 * Server (loaded by the host itself, `require.main`) that looks up the handler of each incoming call.
 * Where that is not possible (another host, another gRPC version), `watching()` is false and a wait says
 * that Ctrl-C pressed twice stops the CLI and that a re-run continues.
 */

const CANCEL_PATH = "/pulumirpc.ResourceProvider/Cancel";

let cancelled = false;
let watchState: boolean | undefined;
const listeners = new Set<() => void>();

type GrpcServerPrototype = { _retrieveHandler?: (path: string) => unknown };

/**
 * The gRPC library of the dynamic-provider host, loaded through the host's own `require` (it lives inside
 * @pulumi/pulumi): the server to watch is that instance, so this package does not depend on it itself.
 */
const HOST_GRPC_MODULE = "@grpc/grpc-js";

/** Starts watching for the engine's Cancel (once per process). Returns whether it can be seen. */
export function watchForCancel(): boolean {
  if (watchState !== undefined) return watchState;
  watchState = false;
  const main = require.main;
  if (!main || !/dynamic-provider/.test(main.filename)) return false;
  try {
    const grpc = main.require(HOST_GRPC_MODULE) as { Server?: { prototype: GrpcServerPrototype } };
    const proto = grpc.Server?.prototype;
    const original = proto?._retrieveHandler;
    if (!proto || typeof original !== "function") return false;
    proto._retrieveHandler = function (this: unknown, path: string) {
      if (path === CANCEL_PATH) signalCancel();
      return original.call(this, path);
    };
    watchState = true;
  } catch {
    watchState = false;
  }
  return watchState;
}

/** Whether Ctrl-C can be seen in this process. */
export function watching(): boolean {
  return watchState === true;
}

/** Records the cancellation and tells every listener (the engine's Cancel, or a test). */
export function signalCancel(): void {
  if (cancelled) return;
  cancelled = true;
  for (const listener of [...listeners]) listener();
}

export function isCancelled(): boolean {
  return cancelled;
}

/** Calls `listener` once on cancellation (at once if it already happened); returns the unsubscribe. */
export function onCancel(listener: () => void): () => void {
  if (cancelled) {
    listener();
    return () => undefined;
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** For tests that drive several runs in one process: forget an earlier cancellation. */
export function resetCancellation(): void {
  cancelled = false;
}
