/**
 * The tenant pause and resume table: planned once the link's declared state is reached, on the system
 * that serves, one step per tenant; nothing when the tenants are not declared.
 */
import { formatPlan } from "../../provider/model/format";
import type { Observation, Plan, TenantReplicationState } from "../../provider/model/types";
import { planTransition } from "../../provider/planner";
import { WORKFLOWS } from "../../provider/workflows";
import { OPTS, obs } from "./fixtures";

function withTenants(o: Observation, statuses: Record<string, TenantReplicationState>, on: "primary" | "replica" = "primary"): Observation {
  return { ...o, tenants: { on, statuses } };
}

const REPLICATING = obs({ primary: "Sending data", replica: "Receiving data" });
const FAILED_OVER = obs({ primary: "down", replica: "Failed over" });

function steps(plan: Plan): string[] {
  if (!plan.ok) throw new Error(`refused: ${plan.refusal.reason}`);
  return plan.steps.map((s) => `${s.side}:${s.action}:${s.item}`);
}

describe("tenant pause and resume", () => {
  it("is two tables bound to the serving system, with no route of the link's direction", () => {
    const tables = WORKFLOWS.filter((w) => w.content);
    expect(tables.map((w) => [w.id, w.content?.servedBy])).toEqual([
      ["tenantPauseOnPrimary", "primary"],
      ["tenantPauseOnReplica", "replica"],
    ]);
    for (const w of tables) expect(w.routes).toEqual({});
  });

  it("pauses the declared tenants, resumes the others, on the primary while it serves", () => {
    const o = withTenants(REPLICATING, { finance: "REPLICATING", media: "PAUSED", logs: "AUTO_PAUSED", ok: "REPLICATING" });
    const plan = planTransition("replicating", o, { ...OPTS, pausedTenants: ["Finance"] });
    expect(steps(plan)).toEqual(["primary:pauseTenant:finance", "primary:resumeTenant:media", "primary:resumeTenant:logs"]);
    expect(formatPlan(plan)).toEqual([
      "HCP System Management Help 9.x, Pausing and resuming replication or recovery of a tenant:",
      "1. On hcp-a (primary), pause replication of tenant finance on link link-ab",
      "2. On hcp-a (primary), resume replication of tenant media on link link-ab",
      "3. On hcp-a (primary), resume tenant logs on link link-ab, which HCP paused by itself (AUTO_PAUSED): HCP accepts the resume once the cause is fixed",
    ]);
  });

  it("is as declared when every tenant is: nothing to do", () => {
    const o = withTenants(REPLICATING, { finance: "PAUSED", media: "REPLICATING" });
    expect(planTransition("replicating", o, { ...OPTS, pausedTenants: ["finance"] })).toMatchObject({ ok: true, steps: [] });
  });

  it("leaves tenants alone when they are not declared, whatever their status", () => {
    const o = withTenants(REPLICATING, { finance: "PAUSED", logs: "AUTO_PAUSED" });
    expect(planTransition("replicating", o, OPTS)).toMatchObject({ ok: true, steps: [] });
  });

  it("runs on the replica while the link is failed over to it", () => {
    const o = withTenants(FAILED_OVER, { finance: "REPLICATING" }, "replica");
    expect(steps(planTransition("failedOver", o, { ...OPTS, pausedTenants: ["finance"] }))).toEqual(["replica:pauseTenant:finance"]);
  });

  it("waits until the declared state is reached: a failover plan has no tenant step", () => {
    const o = withTenants(REPLICATING, { finance: "REPLICATING" });
    const plan = planTransition("failedOver", o, { ...OPTS, pausedTenants: ["finance"] });
    expect(steps(plan).some((s) => s.includes("Tenant"))).toBe(false);
    expect(plan.ok && plan.source?.workflow).toBe("primaryFailure");
  });

  it("plans nothing for tenants during data recovery (the content tables run in replicating and failed over only)", () => {
    const recovering = withTenants(obs({ primary: "Receiving data", replica: "Recovering data" }), { finance: "REPLICATING" }, "replica");
    expect(planTransition("recovering", recovering, { ...OPTS, pausedTenants: ["finance"] })).toMatchObject({ ok: true, steps: [] });
  });

  it("refuses a pause while the serving system does not answer, naming it; nothing else is refused for it", () => {
    const o = withTenants(obs({ primary: "down", replica: "Receiving data" }), { finance: "REPLICATING" }, "replica");
    const plan = planTransition("replicating", o, { ...OPTS, pausedTenants: ["finance"] });
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.refusal.reason).toMatch(/^hcp-a \(primary\) cannot be reached .*the next step \(1\. On hcp-a \(primary\), pause replication of tenant finance/);
    expect(planTransition("replicating", o, OPTS)).toMatchObject({ ok: true, steps: [] });
  });
});
