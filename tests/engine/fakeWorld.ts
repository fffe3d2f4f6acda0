/**
 * An in-memory pair of systems that follows the phase table of docs/replication-model.md, for testing
 * the executor loop: observe() builds an Observation, runAction() applies the action rules, sleep()
 * advances simulated time (recovery progresses, completion finishes, a person may accept a request).
 */
import type { TenantStatusReader } from "../../provider/engine/tenantPauses";
import type { LinkAction, LinkView, TenantReplicationState } from "../../provider/mapi/types";
import type { Observation, SideObservation, StepAction } from "../../provider/model/types";

export type WorldPhase = "replicating" | "failedOver" | "pending" | "recovering" | "completing";

const MESSAGES: Record<WorldPhase, { primary: string; replica: string }> = {
  replicating: { primary: "Sending data", replica: "Receiving data" },
  failedOver: { primary: "Failed over", replica: "Failed over" },
  pending: { primary: "Pending", replica: "Pending remote reply" },
  recovering: { primary: "Receiving data", replica: "Recovering data" },
  completing: { primary: "Receiving data", replica: "Completing recovery" },
};

export class FakeWorld {
  phase: WorldPhase = "replicating";
  primaryUp = true;
  replicaUp = true;
  primaryHasLink = true;
  crossRelease = false;
  /** Report software versions (off: the planner cannot predict step 6). */
  reportVersions = true;
  trusted = true;
  suspended = false;
  now = Date.parse("2025-06-01T12:00:00Z");
  /** Recovery: seconds behind, and how many seconds of lag are caught up per second of time. */
  behindSeconds = 900;
  catchUpRate = 2;
  objectsPerSecondBehind = 10;
  /** Completing lasts this long once the data is sent. */
  completingMs = 30_000;
  completingSince = 0;
  /** A person accepts a pending request at this time (undefined: never). */
  acceptAt: number | undefined;
  /** A person rejects a pending request at this time (the primary drops the link again). */
  rejectAt: number | undefined;

  /** Every action received, in order, as "side:action". */
  readonly actions: string[] = [];
  observeCount = 0;
  /** The next call of this action throws; `apply` says whether it took effect first. */
  failNext: { action: LinkAction; apply: boolean; message: string } | undefined;
  /** beginRecovery is refused as "not available yet" until this time (a certificate was just uploaded). */
  beginRecoveryUnavailableUntil: number | undefined;
  /** The query parameters the replica knows for beginRecovery. */
  beginRecoverySpellings: string[] = ["beginRecovery"];
  /** Answer 200 and do nothing for an action parameter it does not know (HCP's documented rule). */
  ignoresUnknownParameters = false;
  /** Tenant statuses on the link; any but REPLICATING holds recovery back. */
  readonly tenantStatus = new Map<string, TenantReplicationState>([
    ["finance", "REPLICATING"],
    ["media", "REPLICATING"],
  ]);
  /** Tenant requests made (list and status reads). */
  tenantReads = 0;
  /** Reads the link's tenants on the replica, as the failover provider does. */
  readonly tenants: TenantStatusReader = {
    where: "hcp-b (replica)",
    listTenants: async () => {
      this.tenantReads++;
      return [...this.tenantStatus.keys()];
    },
    status: async (tenant) => {
      this.tenantReads++;
      return this.tenantStatus.get(tenant) ?? "REPLICATING";
    },
  };
  /** Hooks run on each sleep (after time advanced). */
  readonly onSleep: ((w: FakeWorld) => void)[] = [];
  readonly sleeps: number[] = [];

  async observe(): Promise<Observation> {
    this.observeCount++;
    return {
      primary: this.side("primary"),
      replica: this.side("replica"),
      trust: {
        primaryTrustsReplica: this.primaryUp && this.replicaUp ? this.trusted : "unknown",
        replicaTrustsPrimary: this.primaryUp && this.replicaUp ? this.trusted : "unknown",
      },
      now: this.now,
    };
  }

  private side(which: "primary" | "replica"): SideObservation {
    const up = which === "primary" ? this.primaryUp : this.replicaUp;
    if (!up) return { reachable: false, error: `Cannot reach https://${which}:9090/mapi/services/replication/links/link-ab?verbose=true (GET): connect ECONNREFUSED` };
    const version = !this.reportVersions ? undefined : which === "primary" && this.crossRelease ? "7.3.1" : "9.2.27";
    if (which === "primary" && !this.primaryHasLink) return { reachable: true, link: null, ...(version ? { softwareVersion: version } : {}) };
    let message = MESSAGES[this.phase][which];
    const peerUp = which === "primary" ? this.replicaUp : this.primaryUp;
    // Data flows in these phases; a side that cannot reach its peer shows "Stalled link" (as the simulator does).
    if (!peerUp && (this.phase === "replicating" || this.phase === "recovering" || this.phase === "completing")) message = "Stalled link";
    if (which === "replica" && this.phase === "replicating" && !this.primaryHasLink) message = "Broken link";
    if (this.suspended) message = "Suspended by user";
    const link: LinkView = {
      name: "link-ab",
      type: which === "primary" ? "OUTBOUND" : "INBOUND",
      connection: { remoteHost: which === "primary" ? "hcp-b" : "hcp-a" },
      compression: false,
      encryption: false,
      priority: "OLDEST_FIRST",
      failoverSettings: {},
      statusMessage: message,
      suspended: this.suspended,
      ...(which === "replica" && (this.phase === "recovering" || this.phase === "completing")
        ? {
            statistics: {
              upToDateAsOfMillis: this.now - this.behindSeconds * 1000,
              objectsPending: Math.round(this.behindSeconds * this.objectsPerSecondBehind),
              bytesPending: Math.round(this.behindSeconds * this.objectsPerSecondBehind * 4096),
            },
          }
        : {}),
    };
    return { reachable: true, link, ...(version ? { softwareVersion: version } : {}) };
  }

  async runAction(side: "primary" | "replica", action: StepAction, spelling?: string): Promise<void> {
    const parameter = spelling ?? action;
    this.actions.push(`${side}:${parameter}`);
    if (action === "beginRecovery" && !this.beginRecoverySpellings.includes(parameter)) {
      if (this.ignoresUnknownParameters) return;
      this.refuse(parameter, `Unknown action '${parameter}'`);
    }
    if (action === "beginRecovery" && this.beginRecoveryUnavailableUntil !== undefined && this.now < this.beginRecoveryUnavailableUntil && this.phase === "failedOver") {
      const message = `Begin recovery is not available yet for link 'link-ab' on hcp-b: new trusted replication certificates were uploaded recently`;
      throw Object.assign(new Error(`HTTP 400 from POST https://hcp-b:9090/mapi/services/replication/links/link-ab?${parameter}: ${message}`), {
        status: 400,
        hcpErrorMessage: message,
      });
    }
    const fail = this.failNext && this.failNext.action === action ? this.failNext : undefined;
    if (fail) this.failNext = undefined;
    if (fail && !fail.apply) throw new Error(fail.message);
    if (!this.replicaUp) throw new Error("Cannot reach the replica: connect ECONNREFUSED");
    if (action === "pauseTenant" || action === "resumeTenant" || action === "setScheduleOverride") this.refuse(action, "this world has no tenant or schedule actions");
    this.apply(side, action);
    if (fail) throw new Error(fail.message);
  }

  private refuse(action: string, found: string): never {
    throw new Error(`HTTP 400 from POST https://hcp-b:9090/mapi/services/replication/links/link-ab?${action}: ${found}`);
  }

  private apply(side: "primary" | "replica", action: LinkAction): void {
    if (side !== "replica") this.refuse(action, "only on the replica");
    if (this.suspended) this.refuse(action, "link is suspended");
    switch (action) {
      case "failOver":
        if (this.phase !== "replicating") this.refuse(action, `link is ${this.phase}`);
        this.phase = "failedOver";
        return;
      case "restore":
        if (!this.primaryUp || this.primaryHasLink || !this.trusted) this.refuse(action, "link is not broken");
        this.primaryHasLink = true;
        this.phase = this.crossRelease ? "pending" : "failedOver";
        return;
      case "beginRecovery":
        if (this.phase !== "failedOver" || !this.primaryUp || !this.primaryHasLink || !this.trusted) {
          this.refuse(action, `link is ${this.phase}`);
        }
        this.phase = "recovering";
        return;
      case "completeRecovery":
        if (this.phase !== "recovering") this.refuse(action, `completeRecovery needs recovering, link is ${this.phase}`);
        this.phase = "completing";
        this.completingSince = this.now;
        return;
      default:
        this.refuse(action, "not used here");
    }
  }

  advance(ms: number): void {
    this.now += ms;
    const held = [...this.tenantStatus.values()].some((s) => s !== "REPLICATING");
    if ((this.phase === "recovering" || this.phase === "completing") && this.primaryUp && this.replicaUp && !held) {
      this.behindSeconds = Math.max(0, this.behindSeconds - (ms / 1000) * this.catchUpRate);
    }
    if (this.phase === "completing" && this.behindSeconds === 0 && this.now - this.completingSince >= this.completingMs) {
      this.phase = "replicating";
    }
    if (this.phase === "pending" && this.acceptAt !== undefined && this.now >= this.acceptAt) this.phase = "failedOver";
    if (this.phase === "pending" && this.rejectAt !== undefined && this.now >= this.rejectAt) {
      this.phase = "failedOver";
      this.primaryHasLink = false;
    }
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.advance(ms);
    for (const hook of this.onSleep) hook(this);
  }
}
