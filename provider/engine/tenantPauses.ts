/**
 * Paused tenants during a wait on data recovery (phase recovering or completing): HCP can pause a tenant's
 * recovery by itself (AUTO_PAUSED, e.g. the primary cannot reach Active Directory), and its data then waits
 * forever. The wait reads tenant statuses only when the data behind stops shrinking (a poll that shows no
 * progress), so a recovery that moves costs no extra request; once a paused tenant is found, each poll reads
 * just that tenant again, to see it resumed.
 */
import { AUTO_PAUSE_CAUSES, CONSOLE_REPLICATION_PAGE } from "../mapi/assumptions";
import type { TenantReplicationState } from "../mapi/types";
import { stepRef } from "../model/format";
import type { DataBehind, LinkPhase, Observation, Plan, PlannedStep } from "../model/types";
import { dataBehind } from "../readings/dataBehind";
import { errorText } from "./errorText";

/** Reads the link's tenants on the system that sends during data recovery (the replica). */
export interface TenantStatusReader {
  /** `hcp-b (replica)`: where the statuses are read, and where a tenant is resumed. */
  readonly where: string;
  listTenants(): Promise<string[]>;
  status(tenant: string): Promise<TenantReplicationState>;
}

/** Phases in which data recovery moves data and a paused tenant holds it back. */
const RECOVERY_PHASES: readonly LinkPhase[] = ["recovering", "completing"];

/** Stalled polls between two full reads of every tenant while none is found paused. */
const POLLS_BETWEEN_FULL_READS = 4;

type Held = Exclude<TenantReplicationState, "REPLICATING">;

export class TenantPauseWatch {
  private stepId: string | undefined;
  private previous: DataBehind | undefined;
  private tenants: string[] | undefined;
  private readonly held = new Map<string, Held>();
  private stalledSinceRead = POLLS_BETWEEN_FULL_READS;

  constructor(
    private readonly reader: TenantStatusReader | undefined,
    private readonly linkName: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Called on each poll of a wait; reads tenant statuses when recovery shows no progress. Never throws. */
  async poll(step: PlannedStep, plan: Plan, obs: Observation): Promise<void> {
    if (!this.reader || step.kind !== "wait" || !plan.ok || !RECOVERY_PHASES.includes(plan.phase)) return;
    if (this.stepId !== step.id) {
      this.stepId = step.id;
      this.previous = undefined;
    }
    const now = dataBehind(obs);
    const stalled = this.previous !== undefined && somethingPending(now) && !shrank(this.previous, now);
    this.previous = now;
    if (stalled) this.stalledSinceRead++;
    const full = stalled && this.stalledSinceRead >= POLLS_BETWEEN_FULL_READS;
    if (!full && this.held.size === 0) return;
    try {
      await this.read(step, full ? undefined : [...this.held.keys()]);
      if (full) this.stalledSinceRead = 0;
    } catch (err) {
      this.log(`${stepRef(step)}: could not read the tenant statuses of link ${this.linkName} on ${this.reader.where} (${errorText(err)}); waiting on`);
    }
  }

  /** `tenant finance AUTO_PAUSED on hcp-b (replica) (…)`, for progress lines and the timeout; undefined when none. */
  summary(): string | undefined {
    if (!this.reader || this.held.size === 0) return undefined;
    const items = [...this.held].map(([tenant, status]) => `tenant ${tenant} ${status}`);
    const [first] = [...this.held.keys()];
    const waits = this.held.size > 1 ? "their data waits until they are resumed" : "its data waits until it is resumed";
    return `${items.join(", ")} on ${this.reader.where}: ${waits} (${resumeCall(this.linkName, this.held.size > 1 ? "<tenant>" : (first ?? "<tenant>"))})`;
  }

  private async read(step: PlannedStep, only: string[] | undefined): Promise<void> {
    const reader = this.reader as TenantStatusReader;
    const names = only ?? (this.tenants ??= await reader.listTenants());
    for (const tenant of names) {
      const status = await reader.status(tenant);
      const before = this.held.get(tenant);
      if (status === "REPLICATING") {
        if (before) this.log(`${stepRef(step)}: tenant ${tenant} on link ${this.linkName} is replicating again (was ${before}); recovery of its data goes on`);
        this.held.delete(tenant);
        continue;
      }
      this.held.set(tenant, status);
      if (before !== status) for (const line of this.report(step, tenant, status, reader.where)) this.log(line);
    }
  }

  private report(step: PlannedStep, tenant: string, status: Held, where: string): string[] {
    const n = stepRef(step);
    const resume =
      `resume tenant ${tenant} on ${where}: ${resumeCall(this.linkName, tenant)}, or Resume for the tenant on link ` +
      `${this.linkName} in its System Management Console (${CONSOLE_REPLICATION_PAGE})`;
    if (status === "PAUSED") {
      return [
        `${n} ACTION REQUIRED: tenant ${tenant} on link ${this.linkName} is PAUSED on ${where} (paused by a user), so its data is not recovered and this wait cannot finish.`,
        `  Way forward: ${resume}. This step keeps waiting meanwhile, until its deadline.`,
      ];
    }
    return [
      `${n} ACTION REQUIRED: data recovery of tenant ${tenant} on link ${this.linkName} is AUTO_PAUSED on ${where}: HCP paused it by itself, so its data is not recovered and this wait cannot finish.`,
      `  Cause: MAPI does not report it; during data recovery the documented one is that ${AUTO_PAUSE_CAUSES[0]}. ` +
        `Others documented: ${AUTO_PAUSE_CAUSES.slice(1).join("; ")}. The system logs of both systems name it.`,
      `  Way forward: fix the cause (e.g. restore the primary's connection to Active Directory), then ${resume}. HCP refuses to resume it before the cause is fixed.`,
      `  This step keeps waiting meanwhile, until its deadline; re-running \`pulumi up\` later continues it too.`,
    ];
  }
}

function resumeCall(link: string, tenant: string): string {
  return `POST /mapi/services/replication/links/${link}/content/tenants/${tenant}?resume`;
}

function somethingPending(d: DataBehind): boolean {
  return (d.objects ?? 0) > 0 || (d.bytes ?? 0) > 0;
}

/** Less behind than before by any measure. */
function shrank(before: DataBehind, now: DataBehind): boolean {
  const less = (a: number | undefined, b: number | undefined) => a !== undefined && b !== undefined && b < a;
  return less(before.objects, now.objects) || less(before.bytes, now.bytes) || less(before.seconds, now.seconds);
}
