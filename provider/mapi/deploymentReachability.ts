/**
 * Connect verdicts shared by the processes of one deployment (one run of the `pulumi` CLI).
 *
 * The engine starts the provider host only when the first resource registers, and its first `check` is
 * the first moment the provider learns an endpoint. The Pulumi program knows the endpoints earlier, as the
 * resource classes are constructed. So the program starts one TLS handshake per system right away (it
 * sends no request and no credential, and closes the socket once the server answers), and writes how it
 * ended to a file of this deployment; the provider's first request to that system reads it. A black-holed
 * system then costs the part of the connect timeout that the provider host's start-up has not already
 * covered: the provider's own connection attempt gives up as soon as the program's has (and never waits
 * longer than its own timeout), and `pulumi up` with its preview (two provider processes) learns of it once.
 *
 * A deployment is named by the nearest ancestor process called `pulumi` (its pid and start time, from
 * /proc), which both the program (under the language host) and the provider host (under its plugin shim)
 * have. Without /proc, or outside the CLI (tests that drive providers in-process), nothing is shared and
 * every verdict is the provider's own.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { CONNECT_FAILURE_CODES, connectTimeoutMessage } from "./connectFailures";

/** What the program's handshake came to. `refused` tells nothing worth sharing: a refused connect is cheap. */
export type ProbeOutcome = "pending" | "connected" | "failed" | "refused";

export interface ProbeRecord {
  endpoint: string;
  outcome: ProbeOutcome;
  startedAt: number;
  /** When the outcome was known (absent while pending). */
  endedAt?: number;
  connectTimeoutMs: number;
  reason?: string;
}

/** Connect failures shared as "failed": the connection did not start or did not finish in time. */
const FAILURE_CODES = new Set(["ETIMEDOUT", ...CONNECT_FAILURE_CODES]);
/** Deployment directories older than this are removed when a new deployment starts probing. */
const STALE_AFTER_MS = 3600_000;
/** The program's probe counts its timeout in ticks of this length. */
const PROBE_TICK_MS = 50;

/** `<pid>-<start time>` of the nearest ancestor called `pulumi`, or undefined (no /proc, not under the CLI). */
export function deploymentKey(procRoot = "/proc", startPid = process.pid): string | undefined {
  let pid = startPid;
  for (let depth = 0; depth < 16 && pid > 1; depth++) {
    let stat: string;
    try {
      stat = fs.readFileSync(path.join(procRoot, String(pid), "stat"), "utf8").trim();
    } catch {
      return undefined;
    }
    // "pid (comm) state ppid … starttime(22nd field) …"; comm may hold spaces or parentheses.
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    if (open < 0 || close < open) return undefined;
    const comm = stat.slice(open + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    if (pid !== startPid && comm === "pulumi") return `${pid}-${fields[19] ?? "0"}`;
    pid = Number(fields[1]);
    if (!Number.isInteger(pid)) return undefined;
  }
  return undefined;
}

/** Where this deployment's records are kept: a key naming the deployment and this user's directory. */
export interface DeploymentScope {
  key: string;
  dir: string;
}

/** This process's deployment (undefined outside the CLI or without /proc). */
export function currentScope(): DeploymentScope | undefined {
  const key = deploymentKey();
  const dir = key ? userDir() : undefined;
  return key && dir ? { key, dir } : undefined;
}

/** This user's directory for deployment records: created 0700, refused if someone else owns it or it is a link. */
function userDir(): string | undefined {
  const dir = path.join(os.tmpdir(), `pulumi-hcp-replication-${typeof process.getuid === "function" ? process.getuid() : "user"}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.isSymbolicLink()) return undefined;
    if (typeof process.getuid === "function" && st.uid !== process.getuid()) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

function recordFile(dir: string, key: string, endpoint: string): string {
  const name = createHash("sha256").update(endpoint).digest("hex").slice(0, 24);
  return path.join(dir, key, `${name}.json`);
}

function writeRecord(file: string, record: ProbeRecord): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
    fs.renameSync(tmp, file); // readers see the old record or the new one, never half of one
  } catch {
    // Sharing is an optimisation: the provider then finds out by itself.
  }
}

function readRecord(file: string, endpoint: string): ProbeRecord | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(file, "utf8")) as ProbeRecord;
    return r && r.endpoint === endpoint && typeof r.startedAt === "number" ? r : undefined;
  } catch {
    return undefined;
  }
}

function removeStaleDeployments(dir: string, keep: string, now: number): void {
  try {
    for (const entry of fs.readdirSync(dir)) {
      if (entry === keep) continue;
      const full = path.join(dir, entry);
      if (now - fs.statSync(full).mtimeMs > STALE_AFTER_MS) fs.rmSync(full, { recursive: true, force: true });
    }
  } catch {
    // Best effort.
  }
}

const started = new Set<string>();

/**
 * Program side: starts one handshake to the system at `given` (an HcpSystem endpoint) for this deployment (once per endpoint and process) and
 * records its outcome. Never throws, prints nothing, and holds the process open for nothing (unref'd).
 */
export function startDeploymentProbe(given: string, connectTimeoutMs: number, scope = currentScope(), now: () => number = Date.now): void {
  let url: URL;
  try {
    url = new URL(given.trim());
  } catch {
    return; // check reports the bad endpoint
  }
  if (url.protocol !== "https:" || url.username || url.password) return;
  const endpoint = url.origin; // as the MAPI client names it
  if (!scope || started.has(`${scope.key} ${endpoint}`)) return;
  started.add(`${scope.key} ${endpoint}`);
  const file = recordFile(scope.dir, scope.key, endpoint);
  if (readRecord(file, endpoint)) return; // another process of this deployment probed it already
  removeStaleDeployments(scope.dir, scope.key, now());
  const startedAt = now();
  writeRecord(file, { endpoint, outcome: "pending", startedAt, connectTimeoutMs });
  // Liveness only: nothing is sent but the TLS hello, and the socket closes as the server answers, so the
  // server's certificate is not needed here (the provider's own connections verify it).
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const socket = tls.connect({ host, port: Number(url.port || 443), ...(net.isIP(host) ? {} : { servername: host }), rejectUnauthorized: false });
  socket.unref();
  let done = false;
  const finish = (outcome: ProbeOutcome, reason?: string) => {
    if (done) return;
    done = true;
    clearInterval(ticker);
    socket.destroy();
    writeRecord(file, { endpoint, outcome, startedAt, endedAt: now(), connectTimeoutMs, ...(reason ? { reason } : {}) });
  };
  // The program is busy while it builds its resources, and a busy event loop neither sends the TLS hello
  // nor reads the answer. So the timeout counts only time the loop was free (at most one tick's worth per
  // tick): a live system is never judged on time this process did not give it.
  let freeMs = 0;
  let lastTick = now();
  const ticker = setInterval(() => {
    const t = now();
    freeMs += Math.min(t - lastTick, 2 * PROBE_TICK_MS);
    lastTick = t;
    if (freeMs >= connectTimeoutMs) setImmediate(() => finish("failed", connectTimeoutMessage(connectTimeoutMs)));
  }, PROBE_TICK_MS);
  ticker.unref();
  socket.once("secureConnect", () => finish("connected"));
  socket.once("error", (err: NodeJS.ErrnoException) => {
    const code = err.code ?? "";
    if (code === "ECONNREFUSED") finish("refused");
    else if (FAILURE_CODES.has(code)) finish("failed", `${code} (${err.message})`);
    else finish("connected"); // the server answered something (a TLS alert, a reset after hello): it is there
  });
}

let cachedScope: { scope: DeploymentScope | undefined } | undefined;
/** currentScope(), worked out once: a process stays in the deployment that started it. */
function processScope(): DeploymentScope | undefined {
  cachedScope ??= { scope: currentScope() };
  return cachedScope.scope;
}

/** A failure this deployment's program found: why, and when it gave up (ms since the epoch). */
export interface SharedVerdict {
  reason: string;
  failedAt: number;
}

/**
 * Provider side: the failure this deployment's program found for `endpoint`, if it found one. Read
 * synchronously (a small file), so a connection attempt can look again while it waits.
 */
export function sharedFailure(endpoint: string, scope = processScope()): SharedVerdict | undefined {
  if (!scope) return undefined;
  const r = readRecord(recordFile(scope.dir, scope.key, endpoint), endpoint);
  return r?.outcome === "failed" ? { reason: r.reason ?? "did not connect", failedAt: r.endedAt ?? Date.now() } : undefined;
}
