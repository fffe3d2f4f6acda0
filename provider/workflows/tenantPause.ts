/**
 * Pausing and resuming replication or recovery of a tenant (Hitachi Vantara Knowledge, HCP 9.2.x,
 * "Pausing and resuming replication or recovery of a tenant"; ../shared/reference/hcp-workflows.md
 * section 3c): `POST …/links/<l>/content/tenants/<t>?pause` stops send activity for one tenant on one
 * link (both directions on an active/active link) until `?resume`; HCP also pauses a tenant by itself
 * (AUTO_PAUSED), and such a tenant can be resumed only once the cause is fixed. The documentation gives
 * these as actions, not a numbered table: they are numbered here in its order. Planned, on the system
 * that serves clients, once the link's declared state is reached. Data only, plus the words of its refusal.
 */
import { sideLabel } from "../model/labels";
import type { LinkPhase, PlanOptions, PlannedStep, Refusal, Side, WorkflowId } from "../model/types";
import type { PlanContext, Workflow, WorkflowStep } from "./types";

const n = (number: number) => ({ "9.x": number, "7.x": number });

function table(id: WorkflowId, S: Side): WorkflowStep[] {
  const at = (o: PlanOptions) => sideLabel(S, o);
  return [
    {
      id: `${id}.pause`,
      numbers: n(1),
      side: S,
      kind: "action",
      action: "pauseTenant",
      each: "tenantsToPause",
      needs: [S],
      title: (o, tenant) => `On ${at(o)}, pause replication of tenant ${tenant} on link ${o.linkName}`,
    },
    {
      id: `${id}.resume`,
      numbers: n(2),
      side: S,
      kind: "action",
      action: "resumeTenant",
      each: "tenantsToResume",
      needs: [S],
      title: (o, tenant) => `On ${at(o)}, resume replication of tenant ${tenant} on link ${o.linkName}`,
    },
    {
      id: `${id}.resumeAutoPaused`,
      numbers: n(3),
      side: S,
      kind: "action",
      action: "resumeTenant",
      each: "autoPausedTenantsToResume",
      needs: [S],
      title: (o, tenant) =>
        `On ${at(o)}, resume tenant ${tenant} on link ${o.linkName}, which HCP paused by itself (AUTO_PAUSED): HCP accepts ` +
        `the resume once the cause is fixed`,
    },
  ];
}

function unreachable({ obs, opts }: PlanContext, side: Side, step: PlannedStep): Refusal {
  const error = obs[side].error;
  return {
    reason: `${sideLabel(side, opts)} cannot be reached${error ? ` (${error})` : ""}; the next step (${step.label}. ${step.title}) needs it`,
    found: `${sideLabel(side, opts)} unreachable`,
    expected: `${sideLabel(side, opts)} reachable (it serves clients, and the tenants are paused and resumed on it)`,
    wayForward: `Bring ${sideLabel(side, opts)} back, or leave pausedTenants as the systems show them until it answers. Nothing was changed.`,
  };
}

function noRoute({ declared }: PlanContext, phase: LinkPhase): Refusal {
  throw new RangeError(`the tenant workflow has no route (asked for "${declared}" from ${phase})`);
}

function workflow(id: WorkflowId, S: Side): Workflow {
  return {
    id,
    name: "Pausing and resuming replication or recovery of a tenant",
    kind: "any",
    content: { servedBy: S, phases: ["replicating", "failedOver"] },
    survivor: S,
    steps: table(id, S),
    routes: {},
    noRoute,
    unreachable,
  };
}

/** While the primary serves (and while an active/active link replicates). */
export const tenantPauseOnPrimary: Workflow = workflow("tenantPauseOnPrimary", "primary");
/** While the replica serves (failed over). */
export const tenantPauseOnReplica: Workflow = workflow("tenantPauseOnReplica", "replica");
