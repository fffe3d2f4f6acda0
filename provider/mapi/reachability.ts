/**
 * What this process has learnt about which systems connect, keyed by endpoint. A system that failed to
 * connect (connect or TLS-handshake timeout, name not resolved, no route) is not tried again until a
 * backoff has passed; then one request at a time goes out as a probe with a short connect timeout. So a
 * dead system costs one connect timeout per provider process (one `pulumi preview` or `up`), not one per
 * resource and read. A refused connection is not remembered: it costs nothing and may be a restart.
 * Before its first request to a system, the memo can also ask what other processes of the deployment
 * found (`shared`, see deploymentReachability.ts).
 */
import { sharedFailure, type SharedVerdict } from "./deploymentReachability";

export interface ReachabilityOptions {
  /** First wait before a failed system is tried again. Default 5000. */
  firstBackoffMs?: number;
  /** The wait doubles per failed probe up to this. Default 60000. */
  maxBackoffMs?: number;
  /** Default Date.now. */
  now?: () => number;
  /** A failure other processes of this deployment found for an endpoint (see deploymentReachability.ts). */
  shared?: (endpoint: string) => SharedVerdict | undefined;
}

interface Failure {
  since: number;
  lastFailedAt: number;
  reason: string;
  backoffMs: number;
  retryAt: number;
  probing: boolean;
}

/** Before a request: send it, send it as the probe, or fail at once. */
export type Admission =
  | { kind: "send" }
  | { kind: "probe" }
  | { kind: "skip"; reason: string; failedAgoMs: number; retryAt: number };

export class ReachabilityMemo {
  private readonly failures = new Map<string, Failure>();
  private readonly firstBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private readonly shared: ReachabilityOptions["shared"];
  /** Endpoints that connected in this process: what other processes found no longer matters. */
  private readonly answered = new Set<string>();

  constructor(options: ReachabilityOptions = {}) {
    this.firstBackoffMs = options.firstBackoffMs ?? 5000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60000;
    this.now = options.now ?? Date.now;
    this.shared = options.shared;
  }

  /**
   * A failure the deployment's other processes found for `endpoint`, while this process has not seen it
   * connect. Cheap enough to ask again while a connection attempt waits.
   */
  sharedFailure(endpoint: string): SharedVerdict | undefined {
    if (!this.shared || this.answered.has(endpoint)) return undefined;
    return this.shared(endpoint);
  }

  admit(endpoint: string): Admission {
    if (!this.failures.has(endpoint)) {
      const found = this.sharedFailure(endpoint);
      if (found) this.failed(endpoint, `${found.reason} (found by this deployment's program)`, found.failedAt);
    }
    const f = this.failures.get(endpoint);
    if (!f) return { kind: "send" };
    const now = this.now();
    if (f.probing || now < f.retryAt) return { kind: "skip", reason: f.reason, failedAgoMs: now - f.lastFailedAt, retryAt: f.probing ? now : f.retryAt };
    f.probing = true;
    return { kind: "probe" };
  }

  /** A connect-phase failure (of a request or of the probe). */
  failed(endpoint: string, reason: string, at?: number): void {
    const now = at ?? this.now();
    const f = this.failures.get(endpoint);
    const backoffMs = f ? Math.min(this.maxBackoffMs, f.backoffMs * 2) : this.firstBackoffMs;
    this.failures.set(endpoint, { since: f?.since ?? now, lastFailedAt: now, reason, backoffMs, retryAt: now + backoffMs, probing: false });
  }

  /** The system connected (any answer, even an error status). */
  connected(endpoint: string): void {
    this.failures.delete(endpoint);
    this.answered.add(endpoint);
  }

  /** A probe ended without telling either way (e.g. a response timeout after connecting counts as connected). */
  probeEnded(endpoint: string): void {
    const f = this.failures.get(endpoint);
    if (f) f.probing = false;
  }

  /** Whether the system is remembered as failing, and since when. */
  failingSince(endpoint: string): number | undefined {
    return this.failures.get(endpoint)?.since;
  }

  /** Forgets one endpoint, or everything. */
  forget(endpoint?: string): void {
    if (endpoint === undefined) this.failures.clear();
    else this.failures.delete(endpoint);
  }
}

/**
 * The memo every client of this process shares (one provider process serves every resource of a run),
 * told what the deployment's program found out before this process started.
 */
export const processReachability = new ReachabilityMemo({ shared: sharedFailure });
