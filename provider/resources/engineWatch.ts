/**
 * An orphaned provider never acts.
 *
 * Provider plugins run in process groups of their own (sdk/go/common/util/cmdutil/child_unix.go sets
 * Setpgid), so when the CLI dies without cancelling (kill -9, a dropped SSH session, a crashed laptop) the
 * provider host lives on and would carry on the workflow with nobody watching: a wait that comes true would
 * send its next action. The dynamic-provider host is started with the engine's gRPC address as its first
 * argument (@pulumi/pulumi cmd/dynamic-provider, `main(args)`); the engine's server lives and dies with the
 * CLI. So before every changing request and between two polls the provider connects to that address: when
 * nothing listens there any more, the engine is gone, and the process writes one line to its log and exits
 * without acting. A re-run after `pulumi cancel` continues from the state.
 */
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/** Long enough for a loaded machine; a live engine's listening socket answers a loopback connect at once. */
const PROBE_TIMEOUT_MS = 3000;

/** The exit code of a provider that found its engine gone. */
export const ORPHANED_EXIT_CODE = 75;

/** Where an orphaned provider leaves its line: `$TMPDIR/pulumi-hcp-replication/orphaned.log`. */
export function orphanLogPath(): string {
  return path.join(os.tmpdir(), "pulumi-hcp-replication", "orphaned.log");
}

/** The engine address this process was started with, when it is a provider host the engine started. */
export function engineAddress(): { host: string; port: number } | undefined {
  const main = require.main;
  if (!main || !/dynamic-provider/.test(main.filename)) return undefined;
  const m = /^(\[[0-9a-fA-F:]+\]|[\w.-]+):(\d{1,5})$/.exec(process.argv[2] ?? "");
  return m ? { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]) } : undefined;
}

/** Whether something accepts a TCP connection at the address (the engine's gRPC server). */
export function listening(address: { host: string; port: number }, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address.host, port: address.port });
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export interface EngineWatch {
  /** Resolves when the engine is there; otherwise logs `before` and ends the process. */
  confirm(before: string): Promise<void>;
}

/** The watch of this process: a no-op outside a provider host the engine started (tests, programs). */
export function engineWatch(
  address = engineAddress(),
  exit: (line: string) => never = leaveAndExit,
): EngineWatch {
  return {
    async confirm(before: string) {
      if (!address) return;
      if (await listening(address)) return;
      // One more try: a refused connect is final, a timeout on a machine under load may not be.
      if (await listening(address)) return;
      exit(
        `${new Date().toISOString()} pid ${process.pid}: the Pulumi engine at ${address.host}:${address.port} is gone ` +
          `(the CLI was killed or lost); stopped ${before} and sent nothing. Run \`pulumi cancel\` if the stack is ` +
          `still locked, then \`pulumi up\`: it continues from the state.`,
      );
    },
  };
}

function leaveAndExit(line: string): never {
  try {
    const file = orphanLogPath();
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.appendFileSync(file, `${line}\n`, { mode: 0o600 });
  } catch {
    // Nowhere to write: exiting without acting matters more.
  }
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // The CLI's end of the pipe is gone.
  }
  process.exit(ORPHANED_EXIT_CODE);
}

let processWatch: EngineWatch | undefined;

/** The one watch of this process. */
export function theEngineWatch(): EngineWatch {
  return (processWatch ??= engineWatch());
}
