import { formatPlan } from "../../provider/model/format";
import { observePhase } from "../../provider/readings/phase";
import { planTransition } from "../../provider/planner";
import { type DeclaredState, type LinkPhase, type Plan } from "../../provider/model/types";
import { BEHIND, CLOSE, link, obs, OPTS, phaseObs, type Reach } from "./fixtures";

type Expect = (number | string)[] | RegExp;

const R_UNREACH = /hcp-b \(replica\) cannot be reached.*needs it/;
const P_UNREACH = /hcp-a \(primary\) cannot be reached.*needs it/;
const BACK = /no step from/;
const SUSP = /is suspended on/;
const ABSENT = /does not exist on hcp-b \(replica\)/;
const UNKNOWN_MSG = /reports status "Weird status"/;
const REPLICA_GONE_UNKNOWN = /hcp-b \(replica\) cannot be reached .* and hcp-a \(primary\) does not show which phase/;
const NEITHER = /Neither system can be reached/;
const R_BACK = /hcp-b \(replica\) cannot be reached.*bringing it back into replication \(step 2 onwards\) needs it/;

/**
 * declared x observed fixture x reachability -> [observed phase, steps or refusal].
 * Fixtures per docs/replication-model.md; dnsFailover off, same release, link not broken, recovery 600 s behind.
 */
const TABLE: [DeclaredState, string, Reach, LinkPhase, Expect][] = [
  // ---- declared failedOver ----
  ["failedOver", "replicating", "both", "replicating", ["before step 1", "before step 1", 1, 2]], // a planned switchover first
  ["failedOver", "replicating", "primaryDown", "replicating", [1, 2]],
  ["failedOver", "replicating", "replicaDown", "replicating", R_UNREACH],
  ["failedOver", "failedOver", "both", "failedOver", []],
  ["failedOver", "failedOver", "primaryDown", "failedOver", []],
  ["failedOver", "failedOver", "replicaDown", "failedOver", []],
  ["failedOver", "pendingAcceptance", "both", "pendingAcceptance", []],
  ["failedOver", "pendingAcceptance", "primaryDown", "pendingAcceptance", []],
  ["failedOver", "pendingAcceptance", "replicaDown", "pendingAcceptance", []],
  ["failedOver", "recovering", "both", "recovering", BACK],
  ["failedOver", "recovering", "primaryDown", "recovering", BACK],
  ["failedOver", "recovering", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["failedOver", "completing", "both", "completing", BACK],
  ["failedOver", "completing", "primaryDown", "completing", BACK],
  ["failedOver", "completing", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["failedOver", "suspended", "both", "suspended", SUSP],
  ["failedOver", "suspended", "primaryDown", "suspended", SUSP],
  ["failedOver", "suspended", "replicaDown", "suspended", SUSP],
  ["failedOver", "absent", "both", "absent", ABSENT],
  ["failedOver", "absent", "primaryDown", "absent", ABSENT],
  ["failedOver", "absent", "replicaDown", "replicating", R_UNREACH],
  ["failedOver", "absentBoth", "both", "absent", ABSENT],
  ["failedOver", "absentBoth", "primaryDown", "absent", ABSENT],
  ["failedOver", "absentBoth", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["failedOver", "unknown", "both", "unknown", UNKNOWN_MSG],
  ["failedOver", "unknown", "primaryDown", "unknown", UNKNOWN_MSG],
  ["failedOver", "unknown", "replicaDown", "replicating", R_UNREACH],
  // ---- declared recovering ----
  ["recovering", "replicating", "both", "replicating", ["before step 1", "before step 1", 1, 2, 3, 4, 6]],
  ["recovering", "replicating", "primaryDown", "replicating", P_UNREACH],
  ["recovering", "replicating", "replicaDown", "replicating", R_UNREACH],
  ["recovering", "failedOver", "both", "failedOver", [3, 4, 6]],
  ["recovering", "failedOver", "primaryDown", "failedOver", P_UNREACH],
  ["recovering", "failedOver", "replicaDown", "failedOver", R_UNREACH],
  ["recovering", "pendingAcceptance", "both", "pendingAcceptance", ["before step 6", 6]],
  ["recovering", "pendingAcceptance", "primaryDown", "pendingAcceptance", P_UNREACH],
  ["recovering", "pendingAcceptance", "replicaDown", "pendingAcceptance", R_UNREACH],
  ["recovering", "recovering", "both", "recovering", []],
  ["recovering", "recovering", "primaryDown", "recovering", []],
  ["recovering", "recovering", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["recovering", "completing", "both", "completing", BACK],
  ["recovering", "completing", "primaryDown", "completing", BACK],
  ["recovering", "completing", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["recovering", "suspended", "both", "suspended", SUSP],
  ["recovering", "suspended", "primaryDown", "suspended", SUSP],
  ["recovering", "suspended", "replicaDown", "suspended", SUSP],
  ["recovering", "absent", "both", "absent", ABSENT],
  ["recovering", "absent", "primaryDown", "absent", ABSENT],
  ["recovering", "absent", "replicaDown", "replicating", R_UNREACH],
  ["recovering", "absentBoth", "both", "absent", ABSENT],
  ["recovering", "absentBoth", "primaryDown", "absent", ABSENT],
  ["recovering", "absentBoth", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["recovering", "unknown", "both", "unknown", UNKNOWN_MSG],
  ["recovering", "unknown", "primaryDown", "unknown", UNKNOWN_MSG],
  ["recovering", "unknown", "replicaDown", "replicating", R_UNREACH],
  // ---- declared replicating ----
  ["replicating", "replicating", "both", "replicating", []],
  ["replicating", "replicating", "primaryDown", "replicating", []],
  ["replicating", "replicating", "replicaDown", "replicating", []],
  ["replicating", "failedOver", "both", "failedOver", [3, 4, 6, 7, 8, 9, 10]],
  ["replicating", "failedOver", "primaryDown", "failedOver", P_UNREACH],
  ["replicating", "failedOver", "replicaDown", "failedOver", R_UNREACH],
  ["replicating", "pendingAcceptance", "both", "pendingAcceptance", ["before step 6", 6, 7, 8, 9, 10]],
  ["replicating", "pendingAcceptance", "primaryDown", "pendingAcceptance", P_UNREACH],
  ["replicating", "pendingAcceptance", "replicaDown", "pendingAcceptance", R_UNREACH],
  ["replicating", "recovering", "both", "recovering", [7, 8, 9, 10]],
  ["replicating", "recovering", "primaryDown", "recovering", P_UNREACH],
  ["replicating", "recovering", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["replicating", "completing", "both", "completing", [9, 10]],
  ["replicating", "completing", "primaryDown", "completing", P_UNREACH],
  ["replicating", "completing", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["replicating", "suspended", "both", "suspended", SUSP],
  ["replicating", "suspended", "primaryDown", "suspended", SUSP],
  ["replicating", "suspended", "replicaDown", "suspended", R_BACK], // only the primary's suspension shows: the replica-failure workflow
  ["replicating", "absent", "both", "absent", [2, 3, 4, "after step 5"]], // a rebuilt replica: the replica-failure workflow
  ["replicating", "absent", "primaryDown", "absent", ABSENT],
  ["replicating", "absent", "replicaDown", "replicating", []],
  ["replicating", "absentBoth", "both", "absent", [4]],
  ["replicating", "absentBoth", "primaryDown", "absent", ABSENT],
  ["replicating", "absentBoth", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["replicating", "unknown", "both", "unknown", UNKNOWN_MSG],
  ["replicating", "unknown", "primaryDown", "unknown", UNKNOWN_MSG],
  ["replicating", "unknown", "replicaDown", "replicating", []],
];

const FIXTURES = ["replicating", "failedOver", "pendingAcceptance", "recovering", "completing", "suspended", "absent", "absentBoth", "unknown"];
const DECLARED: DeclaredState[] = ["replicating", "failedOver", "recovering"];

/** The steps as numbered in the plan's edition; a step it does not number by its label ("before step 6"). */
function seeds(plan: Plan): (number | string)[] {
  if (!plan.ok) throw new Error(`refused: ${plan.refusal.reason}`);
  return plan.steps.map((s) => s.number ?? s.label);
}

describe("planTransition: declared x observed phase x reachability", () => {
  it("the table covers every combination", () => {
    for (const d of DECLARED) {
      for (const f of FIXTURES) {
        for (const r of ["both", "primaryDown", "replicaDown"] as Reach[]) {
          expect(TABLE.filter(([td, tf, tr]) => td === d && tf === f && tr === r)).toHaveLength(1);
        }
      }
    }
  });

  it.each(TABLE)("%s from %s (%s) -> phase %s: %p", (declared, fixture, reach, phase, expected) => {
    const observation = phaseObs(fixture, reach);
    expect(observePhase(observation)).toBe(phase);
    const plan = planTransition(declared, observation, OPTS);
    expect(plan.phase).toBe(phase);
    if (Array.isArray(expected)) {
      expect(seeds(plan)).toEqual(expected);
      if (plan.ok) expect(plan.steps.map((s) => s.order)).toEqual([...plan.steps.map((s) => s.order)].sort((a, b) => a - b)); // table order
      if (plan.ok) for (const s of plan.steps) expect(s.title).toMatch(/hcp-[ab]|link-ab/);
    } else {
      expect(plan.ok).toBe(false);
      if (plan.ok) return;
      expect(plan.refusal.reason).toMatch(expected);
      expect(plan.refusal.found.length).toBeGreaterThan(0);
      expect(plan.refusal.expected.length).toBeGreaterThan(0);
      expect(plan.refusal.wayForward.length).toBeGreaterThan(0);
    }
  });

  it.each(DECLARED)("refuses %s when neither system can be reached", (declared) => {
    for (const f of FIXTURES) {
      const plan = planTransition(declared, phaseObs(f, "bothDown"), OPTS);
      expect(plan.ok).toBe(false);
      if (!plan.ok) expect(plan.refusal.reason).toMatch(NEITHER);
      expect(plan.phase).toBe("unknown");
    }
  });
});

describe("planTransition: conditional steps", () => {
  it("leaves out the client notices when DNS failover is on", () => {
    const dns = { ...OPTS, dnsFailover: true };
    expect(seeds(planTransition("failedOver", phaseObs("replicating", "both"), dns))).toEqual(["before step 1", "before step 1", 1]);
    expect(seeds(planTransition("replicating", phaseObs("failedOver", "both"), dns))).toEqual([3, 4, 6, 7, 8, 9]);
    expect(seeds(planTransition("replicating", phaseObs("completing", "both"), dns))).toEqual([9]);
    expect(seeds(planTransition("recovering", phaseObs("replicating", "both"), dns))).toEqual(["before step 1", "before step 1", 1, 3, 4, 6]);
  });

  it("restores only when the primary answers without the link (broken)", () => {
    const broken = obs({ primary: null, replica: "Failed over" });
    expect(observePhase(broken)).toBe("failedOver");
    expect(seeds(planTransition("replicating", broken, OPTS))).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seeds(planTransition("recovering", broken, OPTS))).toEqual([3, 4, 5, 6]);
    // primary down: not known to be broken, and recovery needs it anyway
    expect(planTransition("replicating", obs({ primary: "down", replica: "Failed over" }), OPTS).ok).toBe(false);
  });

  it("adds the console acceptance after restore on a 7.x cross-release link (7.x step 6)", () => {
    const cross = obs({ primary: null, replica: "Failed over", primaryVersion: "7.3.1", replicaVersion: "9.2.27" });
    expect(seeds(planTransition("replicating", cross, OPTS))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const sameRelease = obs({ primary: null, replica: "Failed over", primaryVersion: "9.0.1", replicaVersion: "9.2.27" });
    expect(seeds(planTransition("recovering", sameRelease, OPTS))).toEqual([3, 4, 5, 6]);
  });

  it("plans failover then recovery for replicating -> recovering, restoring a broken link", () => {
    const broken = obs({ primary: null, replica: "Receiving data" });
    expect(seeds(planTransition("recovering", broken, OPTS))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seeds(planTransition("failedOver", broken, OPTS))).toEqual([1, 2]);
  });

  it("waits only while recovery is more than the threshold behind", () => {
    const at = (stats: object | undefined) => obs({ primary: "Receiving data", replica: "Recovering data", stats });
    expect(seeds(planTransition("replicating", at(BEHIND), OPTS))).toEqual([7, 8, 9, 10]);
    expect(seeds(planTransition("replicating", at(CLOSE), OPTS))).toEqual([8, 9, 10]);
    expect(seeds(planTransition("replicating", at({ ...BEHIND, objectsPending: 0, bytesPending: 0 }), OPTS))).toEqual([8, 9, 10]);
    // no statistics: cannot tell it is close, so wait
    expect(seeds(planTransition("replicating", at(undefined), OPTS))).toEqual([7, 8, 9, 10]);
    const lenient = { ...OPTS, completeRecoveryWhenBehindSeconds: 600 };
    expect(seeds(planTransition("replicating", at(BEHIND), lenient))).toEqual([8, 9, 10]);
  });

  it("titles name the system and the link", () => {
    const plan = planTransition("replicating", obs({ primary: null, replica: "Failed over", primaryVersion: "7.0", replicaVersion: "9.2" }), OPTS);
    expect(formatPlan(plan)).toEqual([
      "HCP System Management Help 7.x, Primary system failure workflow:",
      "3. Check that hcp-a (primary) and hcp-b (replica) trust each other's replication server certificates (ensured by ReplicationCertificateTrust resources)",
      "4. Check the configuration of link link-ab on hcp-b (replica) (applied by the ReplicationLink resource)",
      "5. On hcp-b (replica), restore link link-ab (it is missing on hcp-a (primary))",
      "6. In the System Management Console of hcp-a (primary), accept the pending request for link link-ab (cross-release link; a person must do this)",
      "7. On hcp-b (replica), begin data recovery on link link-ab",
      "8. Wait until data recovery on link link-ab is within 120 s of up to date",
      "9. On hcp-b (replica), complete data recovery on link link-ab",
      "10. Wait for data recovery on link link-ab to finish (hcp-a read-write, hcp-b read-only, replication hcp-a -> hcp-b restarted)",
      '11. DNS failover is off: once the system log shows "Replication data recovery completed", direct clients to write only to hcp-a (primary)',
    ]);
    expect(formatPlan(planTransition("failedOver", phaseObs("replicating", "primaryDown"), OPTS))).toEqual([
      "HCP System Management Help 9.x, Primary system failure workflow:",
      "1. On hcp-b (replica), fail over link link-ab",
      "2. DNS failover is off: direct clients to write only to hcp-b (replica)",
      "Warning: split brain: hcp-a (primary) does not answer, so it cannot be told of the failover and its tenants stay " +
        "read-write until data recovery begins. Keep clients off hcp-a (primary): whatever they write there is " +
        "overwritten by recovery where hcp-b (replica) has the same object.",
      "Data behind: hcp-a does not answer, and no earlier reading is known: what hcp-b lacks is unknown",
    ]);
    expect(formatPlan(planTransition("failedOver", phaseObs("failedOver", "both"), OPTS))).toEqual([]);
  });

  it("marks kinds, sides and actions", () => {
    const plan = planTransition("replicating", obs({ primary: null, replica: "Failed over", primaryVersion: "7.0", replicaVersion: "9.2" }), OPTS);
    if (!plan.ok) throw new Error("refused");
    const byStep = Object.fromEntries(plan.steps.map((s) => [s.number, s]));
    expect(byStep[5]).toMatchObject({ kind: "action", side: "replica", action: "restore", id: "restoreLink" });
    expect(byStep[6]).toMatchObject({ kind: "operator", side: "primary", id: "acceptPendingRequest" });
    expect(byStep[7]).toMatchObject({ kind: "action", side: "replica", action: "beginRecovery" });
    expect(byStep[8]).toMatchObject({ kind: "wait" });
    expect(byStep[9]).toMatchObject({ kind: "action", action: "completeRecovery" });
    expect(byStep[11]).toMatchObject({ kind: "notice", side: "operator" });
    expect(byStep[3]).toMatchObject({ kind: "check" });
    const fo = planTransition("failedOver", phaseObs("replicating", "both"), OPTS);
    if (!fo.ok) throw new Error("refused");
    // A planned switchover (both answer): the operator stops client writes, the replica catches up, then step 1.
    expect(fo.steps.map((s) => [s.label, s.kind, s.side])).toEqual([
      ["before step 1", "notice", "operator"],
      ["before step 1", "drain", "replica"],
      ["1", "action", "replica"],
      ["2", "notice", "operator"],
    ]);
    expect(fo.steps[2]).toMatchObject({ number: 1, kind: "action", side: "replica", action: "failOver" });
  });
});

describe("planTransition: numbering per edition", () => {
  const rebuilt = (primaryVersion: string, replicaVersion: string) =>
    obs({ primary: null, replica: "Failed over", primaryVersion, replicaVersion });

  it("numbers a link between 9.x systems as the 9.x table: 6. begin data recovery", () => {
    const plan = planTransition("replicating", rebuilt("9.2.27", "9.2.27"), OPTS);
    const lines = formatPlan(plan);
    expect(lines[0]).toBe("HCP System Management Help 9.x, Primary system failure workflow:");
    expect(lines).toContain("6. On hcp-b (replica), begin data recovery on link link-ab");
    expect(lines).toContain("8. On hcp-b (replica), complete data recovery on link link-ab");
    expect(lines.filter((l) => l.includes("HCP System Management Help"))).toHaveLength(1);
    expect(plan.ok && plan.source).toEqual({ workflow: "primaryFailure", edition: "9.x", document: "HCP System Management Help 9.x, Primary system failure workflow" });
    expect(seeds(plan)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("uses the 9.x table for 8.x <-> 9.x links: no acceptance step is announced", () => {
    const plan = planTransition("replicating", rebuilt("8.3.1", "9.2.27"), OPTS);
    expect(plan.ok && plan.source?.edition).toBe("9.x");
    expect(seeds(plan)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("uses the 7.x table where a system runs 7.x or older, with its acceptance step for a cross-release link", () => {
    expect(seeds(planTransition("replicating", rebuilt("7.3.1", "8.3.1"), OPTS))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(seeds(planTransition("replicating", rebuilt("7.3.1", "7.3.1"), OPTS))).toEqual([3, 4, 5, 7, 8, 9, 10, 11]);
  });

  it("shows an acceptance the 9.x table does not list whenever a pending request is observed", () => {
    const pending = obs({ primary: "Pending", replica: "Pending remote reply", primaryVersion: "8.3.1" });
    const plan = planTransition("replicating", pending, OPTS);
    expect(seeds(plan)).toEqual(["before step 6", 6, 7, 8, 9, 10]);
    expect(formatPlan(plan)[1]).toBe(
      "Before step 6: In the System Management Console of hcp-a (primary), accept the pending request for link link-ab (cross-release link; a person must do this)",
    );
  });

  it("numbers as the 7.x table when no system reports its version", () => {
    const o = phaseObs("failedOver", "both");
    delete o.primary.softwareVersion;
    delete o.replica.softwareVersion;
    expect(seeds(planTransition("replicating", o, OPTS))).toEqual([3, 4, 7, 8, 9, 10, 11]);
  });
});

describe("planTransition: refusals", () => {
  const refusal = (plan: Plan) => {
    if (plan.ok) throw new Error(`expected a refusal, got steps ${plan.steps.map((s) => s.number).join(",")}`);
    return plan.refusal;
  };

  it("fails over without the primary, but refuses recovery without it, with the way forward", () => {
    expect(planTransition("failedOver", phaseObs("replicating", "primaryDown"), OPTS).ok).toBe(true);
    const r = refusal(planTransition("replicating", phaseObs("failedOver", "primaryDown"), OPTS));
    expect(r.reason).toContain("ECONNREFUSED");
    expect(r.found).toBe("phase failedOver; hcp-a (primary) unreachable");
    expect(r.expected).toContain("hcp-a (primary) back online");
    expect(r.wayForward).toContain('declare state "failedOver"');
  });

  it("refuses completeRecovery-side moves backwards with found and expected", () => {
    const r = refusal(planTransition("recovering", phaseObs("completing", "both"), OPTS));
    expect(r.found).toBe("phase completing");
    expect(r.wayForward).toContain('Declare state "replicating"');
    const r2 = refusal(planTransition("failedOver", phaseObs("recovering", "both"), OPTS));
    expect(r2.wayForward).toContain('"recovering"');
  });

  it("takes an active/active link to the active/active table (tests/planner/activeActive.test.ts)", () => {
    const o = obs({ primary: link("ACTIVE_ACTIVE", "Synchronizing data"), replica: link("ACTIVE_ACTIVE", "Synchronizing data") });
    const plan = planTransition("failedOver", o, OPTS);
    expect(plan.ok && plan.source?.workflow).toBe("activeActive");
  });

  it("says to swap primary and replica when the link runs the other way", () => {
    const o = obs({ primary: link("INBOUND", "Receiving data"), replica: link("OUTBOUND", "Sending data") });
    const r = refusal(planTransition("failedOver", o, OPTS));
    expect(r.found).toBe("type OUTBOUND on hcp-b (replica)");
    expect(r.wayForward).toContain("swap primary and replica");
  });

  it("names an unexpected statusMessage", () => {
    const r = refusal(planTransition("replicating", obs({ primary: "Sending data", replica: "Synchronizing data" }), OPTS));
    expect(r.reason).toBe('hcp-b (replica) reports status "Synchronizing data" for link link-ab, which this workflow does not expect here');
    expect(r.found).toBe('hcp-b (replica) reports "Synchronizing data"');
    expect(r.expected).toContain('"Failed over"');
  });

  it("refuses a suspended link on either side and says how to resume", () => {
    const o = obs({ primary: "Sending data", replica: link("INBOUND", "Suspended by user", { suspended: true }) });
    const r = refusal(planTransition("failedOver", o, OPTS));
    expect(r.reason).toContain("suspended on hcp-b (replica)");
    expect(r.wayForward).toContain("?resume");
    const o2 = obs({ primary: link("OUTBOUND", "Sending data", { suspended: true }), replica: "Stalled link" });
    expect(refusal(planTransition("failedOver", o2, OPTS)).reason).toContain("suspended on hcp-a (primary)");
    const both = phaseObs("suspended", "both");
    expect(refusal(planTransition("replicating", both, OPTS)).reason).toContain("suspended on hcp-a (primary) and hcp-b (replica)");
  });

  it("refuses a stalled replica while the primary receives recovery data", () => {
    const o = obs({ primary: "Receiving data", replica: "Stalled link" });
    expect(observePhase(o)).toBe("unknown");
    expect(refusal(planTransition("replicating", o, OPTS)).reason).toContain('"Stalled link"');
  });

  it("refuses to call a link broken on the primary 'replicating', and suggests failover and recovery", () => {
    const o = obs({ primary: null, replica: "Broken link" });
    expect(observePhase(o)).toBe("replicating");
    const r = refusal(planTransition("replicating", o, OPTS));
    expect(r.reason).toContain("is broken");
    expect(r.wayForward).toContain('"failedOver"');
  });

  it("refuses the link missing on the replica, pointing at the replica-failure workflow", () => {
    const r = refusal(planTransition("failedOver", phaseObs("absent", "both"), OPTS));
    expect(r.wayForward).toContain("replica-failure workflow");
    const r2 = refusal(planTransition("failedOver", phaseObs("absentBoth", "both"), OPTS));
    expect(r2.wayForward).toContain("ReplicationLink");
  });
});

describe("observePhase", () => {
  it("reads split brain (primary unaware of the failover) as failed over", () => {
    expect(observePhase(obs({ primary: "Sending data", replica: "Failed over" }))).toBe("failedOver");
    expect(observePhase(obs({ primary: "Stalled link", replica: "Failed over" }))).toBe("failedOver");
  });

  it("reads a primary rebuilt after failover (no link) as failed over", () => {
    expect(observePhase(obs({ primary: null, replica: "Failed over" }))).toBe("failedOver");
  });

  it("reads the replica's degraded messages as replicating", () => {
    for (const m of ["Stalled link", "High error rate", "Broken link", "Scheduled off period"]) {
      expect(observePhase(obs({ primary: "down", replica: m }))).toBe("replicating");
    }
  });

  it("a statusMessage missing (non-verbose read) is unknown", () => {
    const o = obs({ primary: "Sending data", replica: link("INBOUND", "x", { statusMessage: undefined }) });
    expect(observePhase(o)).toBe("unknown");
    const p = planTransition("replicating", o, OPTS);
    expect(!p.ok && p.refusal.reason).toContain("no statusMessage");
  });
});
