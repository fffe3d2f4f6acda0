/**
 * The replica-failure workflow (active/passive, the replica fails, the primary keeps serving): declared
 * state x observed fixture x reachability, as planTransition.test.ts does for the primary-failure one.
 */
import { formatPlan } from "../../provider/model/format";
import { observePhase } from "../../provider/readings/phase";
import { planTransition } from "../../provider/planner";
import { type DeclaredState, type LinkPhase, type Plan } from "../../provider/model/types";
import { link, obs, OPTS, phaseObs, type ObsSpec, type Reach } from "./fixtures";

type Expect = (number | string)[] | RegExp;

const P_NEEDED = /^hcp-a \(primary\) cannot be reached .*; the next step \(\d+\. On hcp-a \(primary\), suspend activity on link link-ab/;
const P_NEEDED_ACCEPT = /^hcp-a \(primary\) cannot be reached .*; the next step \(5\. In the System Management Console of hcp-b/;
const R_BACK = /^hcp-b \(replica\) cannot be reached .*; bringing it back into replication \((step \d+|the step before step \d+) onwards\) needs it/;
const NO_ROUTE = /^The replica-failure workflow keeps hcp-a \(primary\) active and has no step from (failed over|data recovery|completing)/;
const SUSP = /is suspended on/;
const ABSENT = /does not exist on hcp-b \(replica\)/;
const UNKNOWN_MSG = /reports status "Weird status"/;
const REPLICA_GONE_UNKNOWN = /hcp-b \(replica\) cannot be reached .* and hcp-a \(primary\) does not show which phase/;

/** A 7.x replica for the cross-release fixture; 9.x elsewhere. */
const VERSIONS: Record<string, Partial<ObsSpec>> = { pendingOnReplica: { primaryVersion: "9.2.27", replicaVersion: "7.3.1" } };

const SUSPENDED_TABLE: [string, Reach, LinkPhase, Expect][] = [
  ["replicating", "both", "replicating", [1]],
  ["replicating", "primaryDown", "replicating", P_NEEDED],
  ["replicating", "replicaDown", "replicating", [1]], // the core case: the replica is down, the primary serves
  ["failedOver", "both", "failedOver", NO_ROUTE],
  ["failedOver", "primaryDown", "failedOver", NO_ROUTE],
  ["failedOver", "replicaDown", "failedOver", NO_ROUTE],
  ["pendingAcceptance", "both", "pendingAcceptance", /has no step from failed over with a restored link/],
  ["pendingAcceptance", "primaryDown", "pendingAcceptance", /has no step from failed over with a restored link/],
  ["pendingAcceptance", "replicaDown", "pendingAcceptance", /has no step from failed over with a restored link/],
  ["recovering", "both", "recovering", NO_ROUTE],
  ["recovering", "primaryDown", "recovering", NO_ROUTE],
  ["recovering", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["completing", "both", "completing", NO_ROUTE],
  ["completing", "primaryDown", "completing", NO_ROUTE],
  ["completing", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["suspended", "both", "suspended", SUSP], // suspended on the replica too: not this workflow's step 1
  ["suspended", "primaryDown", "suspended", SUSP],
  ["suspended", "replicaDown", "suspended", []],
  ["absent", "both", "absent", [1]], // the replica came back rebuilt before the suspension
  ["absent", "primaryDown", "absent", ABSENT],
  ["absent", "replicaDown", "replicating", [1]],
  ["absentBoth", "both", "absent", ABSENT],
  ["absentBoth", "primaryDown", "absent", ABSENT],
  ["absentBoth", "replicaDown", "unknown", REPLICA_GONE_UNKNOWN],
  ["unknown", "both", "unknown", UNKNOWN_MSG],
  ["unknown", "primaryDown", "unknown", UNKNOWN_MSG],
  ["unknown", "replicaDown", "replicating", [1]],
  ["primarySuspended", "both", "suspended", []],
  ["primarySuspended", "primaryDown", "replicating", P_NEEDED],
  ["primarySuspended", "replicaDown", "suspended", []],
  ["rebuiltSuspended", "both", "suspended", []],
  ["rebuiltSuspended", "primaryDown", "absent", ABSENT],
  ["rebuiltSuspended", "replicaDown", "suspended", []],
  ["pendingOnReplica", "both", "pendingReplicaAcceptance", [1]],
  ["pendingOnReplica", "primaryDown", "pendingReplicaAcceptance", P_NEEDED],
  ["pendingOnReplica", "replicaDown", "pendingReplicaAcceptance", [1]],
];

/** Declared "replicating" from the phases only the replica-failure workflow leads from. */
const RETURN_TABLE: [string, Reach, LinkPhase, Expect][] = [
  ["primarySuspended", "both", "suspended", [2, 3, 5, "after step 5"]],
  ["primarySuspended", "primaryDown", "replicating", []], // the suspension cannot be seen: the replica reads replicating
  ["primarySuspended", "replicaDown", "suspended", R_BACK],
  ["rebuiltSuspended", "both", "suspended", [2, 3, 4, 5, "after step 5"]],
  ["rebuiltSuspended", "primaryDown", "absent", ABSENT],
  ["rebuiltSuspended", "replicaDown", "suspended", R_BACK],
  ["absent", "both", "absent", [2, 3, 4, "after step 5"]],
  ["absent", "primaryDown", "absent", ABSENT],
  ["absent", "replicaDown", "replicating", []],
  ["pendingOnReplica", "both", "pendingReplicaAcceptance", [5, "after step 6"]], // the 7.x table: accept is its step 5
  ["pendingOnReplica", "primaryDown", "pendingReplicaAcceptance", P_NEEDED_ACCEPT],
  ["pendingOnReplica", "replicaDown", "pendingReplicaAcceptance", R_BACK],
];

function shown(plan: Plan): (number | string)[] {
  if (!plan.ok) throw new Error(`refused: ${plan.refusal.reason}`);
  return plan.steps.map((s) => s.number ?? s.label);
}

function check(declared: DeclaredState, fixture: string, reach: Reach, phase: LinkPhase, expected: Expect): void {
  const observation = phaseObs(fixture, reach, VERSIONS[fixture] ?? {});
  expect(observePhase(observation)).toBe(phase);
  const plan = planTransition(declared, observation, OPTS);
  expect(plan.phase).toBe(phase);
  if (Array.isArray(expected)) {
    expect(shown(plan)).toEqual(expected);
    if (plan.ok) {
      // No failover and no data recovery anywhere in this workflow.
      for (const s of plan.steps) expect(["failOver", "beginRecovery", "completeRecovery"]).not.toContain(s.action);
      if (plan.steps.length > 0) expect(plan.source?.workflow).toBe("replicaFailure");
    }
  } else {
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.refusal.reason).toMatch(expected);
    for (const part of [plan.refusal.found, plan.refusal.expected, plan.refusal.wayForward]) expect(part.length).toBeGreaterThan(0);
  }
}

describe("replica failure: declared suspended x observed phase x reachability", () => {
  it.each(SUSPENDED_TABLE)("suspended from %s (%s) -> phase %s: %p", (fixture, reach, phase, expected) => check("suspended", fixture, reach, phase, expected));

  it("covers every fixture and reachability", () => {
    const fixtures = new Set(SUSPENDED_TABLE.map(([f]) => f));
    for (const f of fixtures) {
      for (const r of ["both", "primaryDown", "replicaDown"]) expect(SUSPENDED_TABLE.filter(([tf, tr]) => tf === f && tr === r)).toHaveLength(1);
    }
    expect(fixtures.size).toBe(12);
  });

  it("refuses when neither system can be reached", () => {
    const plan = planTransition("suspended", phaseObs("replicating", "bothDown"), OPTS);
    expect(!plan.ok && plan.refusal.reason).toMatch(/Neither system can be reached/);
  });
});

describe("replica failure: declared replicating once the replica is back", () => {
  it.each(RETURN_TABLE)("replicating from %s (%s) -> phase %s: %p", (fixture, reach, phase, expected) => check("replicating", fixture, reach, phase, expected));

  it("names the document and the systems in every step", () => {
    const lines = formatPlan(planTransition("replicating", phaseObs("rebuiltSuspended", "both"), OPTS));
    expect(lines).toEqual([
      "HCP System Management Help 9.x, Replica failure workflow:",
      "2. Check that hcp-b (replica) and hcp-a (primary) trust each other's replication server certificates (ensured by ReplicationCertificateTrust resources)",
      "3. Check the configuration of link link-ab on hcp-a (primary) (applied by the ReplicationLink resource)",
      "4. On hcp-a (primary), restore link link-ab (it is missing on hcp-b (replica))",
      "5. On hcp-a (primary), resume activity on link link-ab",
      "After step 5: Wait until replication hcp-a -> hcp-b restarts (hcp-b (replica) receiving data)",
    ]);
    expect(formatPlan(planTransition("suspended", phaseObs("replicating", "replicaDown"), OPTS))).toEqual([
      "HCP System Management Help 9.x, Replica failure workflow:",
      "1. On hcp-a (primary), suspend activity on link link-ab while hcp-b is down",
    ]);
  });

  it("marks sides and actions: the primary runs every action, a person accepts on the replica", () => {
    const cross = obs({ primary: link7("Suspended by user"), replica: null, replicaVersion: "7.3.1" });
    const plan = planTransition("replicating", cross, OPTS);
    if (!plan.ok) throw new Error(plan.refusal.reason);
    expect(plan.source?.edition).toBe("7.x");
    expect(plan.steps.map((s) => [s.number ?? s.label, s.kind, s.side, s.action ?? s.check ?? ""])).toEqual([
      [2, "check", "replica", "certificatesTrusted"],
      [3, "check", "primary", "linkOnPrimary"],
      [4, "action", "primary", "restore"],
      [5, "operator", "replica", ""],
      [6, "action", "primary", "resume"],
      ["after step 6", "wait", "replica", ""],
    ]);
  });

  it("a 9.x primary and an 8.x replica: the 9.x table, no acceptance announced", () => {
    const o = obs({ primary: link7("Suspended by user"), replica: null, replicaVersion: "8.3.1" });
    expect(shown(planTransition("replicating", o, OPTS))).toEqual([2, 3, 4, 5, "after step 5"]);
  });

  it("refuses suspended while the link is failed over, saying which workflow applies", () => {
    const plan = planTransition("suspended", phaseObs("failedOver", "both"), OPTS);
    if (plan.ok) throw new Error("expected a refusal");
    expect(plan.refusal.reason).toBe(
      'The replica-failure workflow keeps hcp-a (primary) active and has no step from failed over (replica active) to "suspended" (the link suspended on hcp-a (primary))',
    );
    expect(plan.refusal.found).toBe("phase failedOver");
    expect(plan.refusal.wayForward).toContain('Declare "failedOver" or "recovering" to stay on hcp-b (replica), or "replicating"');
  });

  it("a suspension on a failed-over link is not the replica-failure workflow's", () => {
    const o = obs({ primary: link7("Failed over", true), replica: "Failed over" });
    const plan = planTransition("replicating", o, OPTS);
    expect(!plan.ok && plan.refusal.reason).toContain("is suspended on hcp-a (primary)");
  });
});

function link7(statusMessage: string, suspended = statusMessage === "Suspended by user") {
  return link("OUTBOUND", statusMessage, { suspended });
}
