/**
 * The active/active table (hcp-workflows.md section 2a), walked by the generic planner: every declared
 * state x observed phase x reachability, failing over to the replica and to the primary. A is the system
 * that fails, B the survivor named by failOverTo.
 */
import { analyseActiveActive } from "../../provider/readings/activeActivePhase";
import { formatPlan } from "../../provider/model/format";
import { planTransition, splitBrainAfter } from "../../provider/planner";
import { type Observation, type Plan, type PlanOptions } from "../../provider/model/types";
import { WORKFLOWS } from "../../provider/workflows";
import { link, NOW, OPTS, obs as apObs } from "./fixtures";

type Side = "primary" | "replica";
type Spec = string | null | "down";

const other = (s: Side): Side => (s === "primary" ? "replica" : "primary");
const names: Record<Side, string> = { primary: "hcp-a (primary)", replica: "hcp-b (replica)" };

function aaSide(spec: Spec) {
  if (spec === "down") return { reachable: false, error: "connect ECONNREFUSED 10.0.0.1:9090" };
  if (spec === null) return { reachable: true, softwareVersion: "9.2.27", link: null };
  const suspended = spec === "Suspended by user";
  return { reachable: true, softwareVersion: "9.2.27", link: link("ACTIVE_ACTIVE", spec, { suspended }) };
}

/** An observation with A and B as given, B being `survivor`. */
function aa(survivor: Side, a: Spec, b: Spec): Observation {
  const bySide: Record<Side, Spec> = { [survivor]: b, [other(survivor)]: a } as Record<Side, Spec>;
  return {
    primary: aaSide(bySide.primary),
    replica: aaSide(bySide.replica),
    trust: { primaryTrustsReplica: "unknown", replicaTrustsPrimary: "unknown" },
    now: NOW,
  };
}

const opts = (failOverTo: Side, extra: Partial<PlanOptions> = {}): PlanOptions => ({ ...OPTS, failOverTo, ...extra });

function numbers(plan: Plan): number[] {
  if (!plan.ok) throw new Error(`refused: ${plan.refusal.reason}`);
  return plan.steps.map((s) => s.number as number);
}

function refusalOf(plan: Plan): string {
  if (plan.ok) throw new Error(`planned: ${formatPlan(plan).join(" | ")}`);
  return `${plan.refusal.reason} | ${plan.refusal.found} | ${plan.refusal.expected} | ${plan.refusal.wayForward}`;
}

/** Observed situations, as (A, B) per the model table. */
const SITUATIONS: Record<string, [Spec, Spec]> = {
  "replicating, both up": ["Synchronizing data", "Synchronizing data"],
  "replicating, A down": ["down", "Stalled link"],
  "replicating, B down": ["Stalled link", "down"],
  "failed over, both up": ["Failed over", "Failed over"],
  "failed over, A down": ["down", "Failed over"],
  "failed over, A rebuilt": [null, "Failed over"],
  "failed over, B down": ["Failed over", "down"],
  "failed over, A not told yet": ["Stalled link", "Failed over"],
  suspended: ["Suspended by user", "Synchronizing data"],
  "no link on either": [null, null],
  "both down": ["down", "down"],
  "unexpected message": ["High error rate", "Weird status"],
};

/** Expected per declared state: step numbers, or a fragment of the refusal. */
const EXPECTED: Record<string, Record<string, number[] | string>> = {
  failedOver: {
    "replicating, both up": [1, 2],
    "replicating, A down": [1, 2],
    "replicating, B down": 'the next step (1. On B, fail over link link-ab (B keeps serving)) needs it | phase replicating; B unreachable | B reachable (failOverTo names it: it runs every action of the workflow) | If B is the system that failed, fail over the other way',
    "failed over, both up": [],
    "failed over, A down": [],
    "failed over, A rebuilt": [],
    "failed over, B down": [],
    "failed over, A not told yet": [],
    suspended: "is suspended on A",
    "no link on either": "link link-ab does not exist on hcp-b (replica)",
    "both down": "Neither system can be reached",
    "unexpected message": 'status "Weird status"',
  },
  replicating: {
    "replicating, both up": [],
    "replicating, A down": [],
    "replicating, B down": [],
    "failed over, both up": [3, 4, 6],
    "failed over, A down": 'failing back (step 3 onwards) needs it back online | phase failedOver; A unreachable | A back online and reachable | Keep state "failedOver" (B keeps serving) until A answers again',
    "failed over, A rebuilt": [3, 4, 5, 6],
    "failed over, B down": "); the next step (3. Check that A and B trust each other's replication server certificates",
    "failed over, A not told yet": 'A answers but reports "Stalled link" for link link-ab, not "Failed over": it is not in contact with B, so failing back (step 6) cannot run',
    suspended: "is suspended on A",
    "no link on either": [4],
    "both down": "Neither system can be reached",
    "unexpected message": 'status "Weird status"',
  },
  recovering: {
    ...Object.fromEntries(Object.keys(SITUATIONS).map((k) => [k, "an active/active link has no recovery phase"])),
    "no link on either": "link link-ab does not exist on hcp-b (replica)",
    "both down": "Neither system can be reached",
  },
};

const CASES = (["replica", "primary"] as const).flatMap((survivor) =>
  Object.entries(EXPECTED).flatMap(([declared, bySituation]) =>
    Object.entries(bySituation).map(([situation, expected]) => [survivor, declared, situation, expected] as const),
  ),
);

describe("active/active: every declared state x phase x reachability, either survivor", () => {
  it.each(CASES)("failOverTo %s, state %s, %s", (survivor, declared, situation, expected) => {
    const [a, b] = SITUATIONS[situation];
    const observation = aa(survivor, a, b);
    // With no link to read ("no link on either", "both down"), nothing shows the link is active/active:
    // the planner reads it as active/passive, whose refusals (and its step 4 for a link to be created) apply.
    const plan = planTransition(declared as "replicating" | "failedOver" | "recovering", observation, opts(survivor));
    if (typeof expected === "string") {
      const text = expected.replace(/\bA\b/g, names[other(survivor)]).replace(/\bB\b/g, names[survivor]);
      expect(refusalOf(plan)).toContain(text);
    } else {
      expect(numbers(plan)).toEqual(expected);
      if (plan.ok && plan.steps.length > 0 && situation !== "no link on either") expect(plan.source?.workflow).toBe(survivor === "replica" ? "activeActive" : "activeActiveToPrimary");
    }
  });
});

describe("active/active plans", () => {
  it("numbers the table 1 to 6 and runs every action on the survivor", () => {
    for (const w of WORKFLOWS.filter((x) => x.kind === "ACTIVE_ACTIVE")) {
      const survivor = w.survivor;
      expect(w.steps.map((s) => s.numbers["9.x"])).toEqual([1, 2, 3, 4, 5, 6]);
      expect(w.steps.map((s) => s.numbers["7.x"])).toEqual([1, 2, 3, 4, 5, 6]);
      expect(w.steps.filter((s) => s.kind === "action").map((s) => [s.action, s.side])).toEqual([
        ["failOver", survivor],
        ["restore", survivor],
        ["failBack", survivor],
      ]);
    }
  });

  it("failing back from a rebuilt A: the whole numbered table from step 3, warning of keys written on both sides", () => {
    const plan = planTransition("replicating", aa("replica", null, "Failed over"), opts("replica"));
    expect(formatPlan(plan)).toEqual([
      "HCP System Management Help 9.x, System failure workflow with an active/active link:",
      "3. Check that hcp-a (primary) and hcp-b (replica) trust each other's replication server certificates, re-exchanged if hcp-a was rebuilt (ensured by ReplicationCertificateTrust resources)",
      "4. Check the configuration of link link-ab on hcp-b (replica) (applied by the ReplicationLink resource)",
      "5. On hcp-b (replica), restore link link-ab (it is missing on hcp-a (primary))",
      "6. On hcp-b (replica), fail back link link-ab (replication restarts in both directions)",
      "Warning: objects written on both systems while link link-ab was failed over: after failBack (step 6) the version written last replaces the other on both systems " +
        "(this provider's reading: HCP's handling of such collisions is not documented in its sources). MAPI cannot list objects: if clients wrote to hcp-a (primary) " +
        "as well as hcp-b (replica) since the failover, compare the namespaces (or copy out what must be kept) before running `pulumi up`.",
    ]);
    expect(plan.ok && plan.source?.document).toBe("HCP System Management Help 9.x, System failure workflow with an active/active link");
  });

  it("failing over to the primary names it in every step; DNS failover on drops the redirect notice", () => {
    const plan = planTransition("failedOver", aa("primary", "down", "Stalled link"), opts("primary", { dnsFailover: true }));
    expect(formatPlan(plan)).toEqual(["HCP System Management Help 9.x, System failure workflow with an active/active link:", "1. On hcp-a (primary), fail over link link-ab (hcp-a (primary) keeps serving)"]);
    const withNotice = planTransition("failedOver", aa("primary", "down", "Stalled link"), opts("primary"));
    expect(formatPlan(withNotice)[2]).toBe("2. DNS failover is off: direct clients to write only to hcp-a (primary)");
  });

  it("a planned failover with both up warns that both stay read-write", () => {
    const plan = planTransition("failedOver", aa("replica", "Synchronizing data", "Synchronizing data"), opts("replica"));
    expect(plan.ok && plan.warnings).toEqual([
      "while link link-ab is failed over, hcp-b (replica) and hcp-a (primary) both stay read-write and nothing replicates between them: keep clients on hcp-b (replica) only, or the same object may be written on both.",
    ]);
  });

  it("is never a split brain: both sides are read-write by design", () => {
    const o = aa("replica", "down", "Stalled link");
    expect(splitBrainAfter(planTransition("failedOver", o, opts("replica")), o, "failedOver", opts("replica"))).toBe(false);
  });

  it("failOverTo primary on an active/passive link is refused naming the rule", () => {
    const o = apObs({ primary: "Sending data", replica: "Receiving data" });
    const plan = planTransition("failedOver", o, opts("primary"));
    expect(refusalOf(plan)).toContain('failOverTo "primary" applies to active/active links only: on an active/passive link only the replica takes over');
    expect(numbers(planTransition("failedOver", o, opts("replica"))).filter((n) => n !== undefined)).toEqual([1, 2]);
  });

  it("reads the survivor only when one side answers with the link", () => {
    expect(analyseActiveActive(aa("replica", "down", "Failed over")).survivor).toBe("replica");
    expect(analyseActiveActive(aa("primary", null, "Failed over")).survivor).toBe("primary");
    expect(analyseActiveActive(aa("replica", "Failed over", "Failed over")).survivor).toBeUndefined();
  });
});
