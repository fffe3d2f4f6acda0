/**
 * Readings that fault messages make ambiguous, a primary that has not heard of a failover, an unknown
 * primary status, and the split-brain warnings: the planner decides from the observation plus the history
 * the resource keeps (PlanOptions.lastKnownPhase, splitBrain).
 */
import { formatPlan } from "../../provider/model/format";
import { planTransition, splitBrainAfter } from "../../provider/planner";
import { type Plan } from "../../provider/model/types";
import { obs, OPTS } from "./fixtures";

/** Both systems answer us but cannot reach each other: each shows "Stalled link". */
const CUT = obs({ primary: "Stalled link", replica: "Stalled link" });
/** The replica failed over while cut off: the primary never heard of it. */
const FAILED_OVER_CUT = obs({ primary: "Stalled link", replica: "Failed over" });
const FAILED_OVER = obs({ primary: "Failed over", replica: "Failed over" });

function refusal(plan: Plan) {
  if (plan.ok) throw new Error(`expected a refusal, got steps ${formatPlan(plan).join(" | ")}`);
  return plan.refusal;
}

describe("a cut between the systems during data recovery", () => {
  test("after a failover, both sides stalled cannot be read as replicating: refused, and a wait may poll through it", () => {
    for (const last of ["failedOver", "recovering", "completing"] as const) {
      const plan = planTransition("replicating", CUT, { ...OPTS, memory: { lastKnownPhase: last } });
      expect(plan.phase).toBe("unknown");
      const r = refusal(plan);
      expect(r.reason).toContain("cannot be told");
      expect(r.reason).toContain(`last phase known: ${last}`);
      expect(r.waitable).toBe(true);
      expect(r.wayForward).toMatch(/Restore the network between hcp-a and hcp-b/);
    }
  });

  test("with no failover since the link last replicated, the same reading is a stalled replicating link", () => {
    expect(planTransition("replicating", CUT, { ...OPTS, memory: { lastKnownPhase: "replicating" } })).toMatchObject({ ok: true, phase: "replicating", steps: [] });
    expect(planTransition("replicating", CUT, OPTS)).toMatchObject({ ok: true, phase: "replicating", steps: [] });
  });

  test("a primary that is sending proves plain replication whatever the history", () => {
    const sending = obs({ primary: "Sending data", replica: "Stalled link" });
    expect(planTransition("replicating", sending, { ...OPTS, memory: { lastKnownPhase: "recovering" } })).toMatchObject({ ok: true, phase: "replicating", steps: [] });
  });

  test("failing over needs acceptDataLoss: the primary still answers and serves, so it would stay read-write", () => {
    const memory = { lastKnownPhase: "recovering" as const };
    const r = refusal(planTransition("failedOver", CUT, { ...OPTS, memory }));
    expect(r.reason).toMatch(/^hcp-a \(primary\) answers and serves link link-ab but cannot reach hcp-b \(replica\) \("Stalled link"\)/);
    expect(r.wayForward).toMatch(/Restore the network between hcp-a and hcp-b .* set acceptDataLoss: true with acceptDataLossReason/);
    // Declared, it is planned (HCP itself refuses failOver while recovery runs).
    const plan = planTransition("failedOver", CUT, { ...OPTS, memory, acceptDataLoss: true, acceptDataLossReason: "site link cut" });
    // Numbered steps 1 and 2, after the unnumbered record of the accepted loss.
    expect(plan.ok && plan.steps.map((s) => s.number).filter((n) => n !== undefined)).toEqual([1, 2]);
  });

  test("a silent primary with a stalled replica after a failover is ambiguous too", () => {
    const plan = planTransition("replicating", obs({ primary: "down", replica: "Stalled link" }), { ...OPTS, memory: { lastKnownPhase: "recovering" } });
    expect(refusal(plan).reason).toContain("cannot be told");
  });
});

describe("a failover the primary has not heard of (network cut)", () => {
  test("recovery is refused while the primary still shows its replicating message", () => {
    for (const declared of ["replicating", "recovering"] as const) {
      const r = refusal(planTransition(declared, FAILED_OVER_CUT, OPTS));
      expect(r.reason).toBe(
        'hcp-a (primary) answers but reports "Stalled link" for link link-ab, not "Failed over": it cannot reach hcp-b (replica) ' +
          "and has not learnt of the failover, so data recovery (step 3 onwards) cannot start",
      );
      expect(r.expected).toBe('hcp-a (primary) reporting "Failed over" (the two systems in contact)');
      expect(r.wayForward).toMatch(/keep state "failedOver": both systems are read-write \(split brain\)/);
      expect(r.waitable).toBe(true);
    }
  });

  test("declaring failedOver changes nothing and remembers the split brain", () => {
    const plan = planTransition("failedOver", FAILED_OVER_CUT, OPTS);
    expect(plan).toMatchObject({ ok: true, phase: "failedOver", steps: [] });
    expect(splitBrainAfter(plan, FAILED_OVER_CUT, "failedOver", OPTS)).toBe(true);
  });

  test("once the primary shows Failed over, recovery goes ahead with a warning naming whose data it overwrites", () => {
    const plan = planTransition("replicating", FAILED_OVER, { ...OPTS, memory: { splitBrain: true } });
    const lines = formatPlan(plan);
    expect(lines.filter((l) => /^\d+\. /.test(l)).map((l) => l.split(".")[0])).toEqual(["3", "4", "6", "7", "8", "9", "10"]);
    expect(lines[lines.length - 1]).toMatch(/^Warning: split brain: hcp-a \(primary\) was not told of the failover and kept accepting writes\. .*overwrites the hcp-a version of every object that was also written on hcp-b/);
  });

  test("without a split brain in the history or on the wire, recovery has no warning", () => {
    const plan = planTransition("replicating", FAILED_OVER, OPTS);
    expect(plan.ok && plan.warnings).toBeFalsy();
    expect(splitBrainAfter(plan, FAILED_OVER, "replicating", OPTS)).toBe(false);
  });
});

describe("split brain in the history", () => {
  test("a failover planned while the primary cannot be told is remembered as a split brain", () => {
    // Failing over from a primary that answers but is cut off needs acceptDataLoss (see above).
    const opts = { ...OPTS, acceptDataLoss: true, acceptDataLossReason: "site link cut" };
    for (const o of [obs({ primary: "down", replica: "Stalled link" }), CUT]) {
      const plan = planTransition("failedOver", o, opts);
      expect(splitBrainAfter(plan, o, "failedOver", opts)).toBe(true);
      expect(formatPlan(plan).some((l) => l.startsWith("Warning: split brain"))).toBe(true);
    }
  });

  test("a failover the primary hears of is not", () => {
    const o = obs({ primary: "Sending data", replica: "Receiving data" });
    const plan = planTransition("failedOver", o, OPTS);
    expect(splitBrainAfter(plan, o, "failedOver", OPTS)).toBe(false);
    // The document, the planned switchover before step 1, steps 1 and 2, the data behind: no warning.
    expect(formatPlan(plan).filter((l) => l.startsWith("Warning"))).toEqual([]);
    expect(formatPlan(plan).filter((l) => /^(\d+\.|Before step 1:)/.test(l))).toHaveLength(4);
  });

  test("data recovery ends it", () => {
    const o = obs({ primary: "Receiving data", replica: "Recovering data" });
    expect(splitBrainAfter(planTransition("replicating", o, { ...OPTS, memory: { splitBrain: true } }), o, "replicating", { ...OPTS, memory: { splitBrain: true } })).toBe(false);
  });
});

describe("an unknown status on the primary", () => {
  test("is refused even when the replica reads fine, naming it and what the primary may show", () => {
    const r = refusal(planTransition("replicating", obs({ primary: "Exploded", replica: "Failed over" }), OPTS));
    expect(r.reason).toBe('hcp-a (primary) reports status "Exploded" for link link-ab, which this workflow does not expect here');
    expect(r.expected).toMatch(/^on hcp-a \(primary\) one of: "Sending data", "Receiving data", "Failed over"/);
  });
});
