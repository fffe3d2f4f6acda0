/**
 * The safety rules, checked over every situation the planner can meet (situations.ts): each is planned, and
 * every plan and every refusal is held to the rules below. A rule that fails prints the first situations
 * that break it. The counts at the end fail if the enumeration, or what the planner does with it, shrinks.
 */
import {
  editionOf,
  STATUS_MESSAGES as M,
} from "../../provider/mapi/assumptions";
import type {
  Observation,
  Plan,
  PlannedStep,
  Side,
} from "../../provider/model/types";
import { planTransition } from "../../provider/planner";
import { WORKFLOWS } from "../../provider/workflows";
import { DECLARED, situations, type Situation } from "./situations";

const other = (s: Side): Side => (s === "primary" ? "replica" : "primary");

/**
 * A system out of contact with its peer: it does not answer, has no link, or its link cannot reach the peer.
 * One that answers unreadably is running: it counts as in contact (it may still serve).
 */
function outOfContact(obs: Observation, side: Side): boolean {
  const o = obs[side];
  if (!o.reachable) return !o.answered;
  if (!o.link) return true;
  return ([M.stalled, M.broken, M.unrecognized] as string[]).includes(
    o.link.statusMessage ?? "",
  );
}

/** The lag is known (the replica's statistics give its age) and within the recovery threshold. */
function lagKnownWithin(s: Situation): boolean {
  const at = s.obs.replica.reachable
    ? s.obs.replica.link?.statistics?.upToDateAsOfMillis
    : undefined;
  return (
    at !== undefined &&
    (s.obs.now - at) / 1000 <= s.opts.completeRecoveryWhenBehindSeconds
  );
}

const actions = (plan: Plan): PlannedStep[] =>
  plan.ok ? plan.steps.filter((p) => p.kind === "action") : [];
const before = (
  plan: Plan,
  step: PlannedStep,
  test: (s: PlannedStep) => boolean,
): boolean =>
  plan.ok && plan.steps.slice(0, plan.steps.indexOf(step)).some(test);

/** The system that keeps serving when failed over, and so the one declared out of service for each state. */
function outOfService(s: Situation): Side | undefined {
  const survivor = s.opts.failOverTo ?? "replica";
  if (s.declared === "failedOver") return other(survivor);
  if (s.declared === "suspended") return "replica";
  return undefined;
}

const DECLARATIONS = new Set<string>([...DECLARED]);
const INPUTS = [
  "state",
  "failOverTo",
  "dnsFailover",
  "completeRecoveryWhenBehindSeconds",
  "waitTimeoutSeconds",
  "maxDataLossSeconds",
  "acceptDataLoss",
  "acceptDataLossReason",
  "pausedTenants",
  "recoveryPerformanceLevel",
  "allowDeletion",
  "linkName",
  "ReplicationLink",
  "ReplicationCertificateTrust",
  "ReplicationSite",
  "ReplicationFailover",
];
const ACTIONS = [
  "failOver",
  "failBack",
  "restore",
  "beginRecovery",
  "completeRecovery",
  "suspend",
  "resume",
  "reestablishAllLinks",
  "shutDownAllLinks",
  "accept",
  "pause",
  "pulumi",
  "console",
  "System Management Console",
  "Tenant Management Console",
];

/** What is wrong with a refusal's way forward, if anything: it names a declaration or an action that exists. */
function wayForwardFault(wayForward: string): string | undefined {
  if (!wayForward.trim()) return "an empty way forward";
  for (const m of wayForward.matchAll(/\bstate:? "([A-Za-z]+)"/g))
    if (!DECLARATIONS.has(m[1]))
      return `names state "${m[1]}", which is not a declared state`;
  for (const m of wayForward.matchAll(/\bfailOverTo:? "([A-Za-z]+)"/g))
    if (m[1] !== "primary" && m[1] !== "replica")
      return `names failOverTo "${m[1]}"`;
  const named = [...DECLARATIONS, ...INPUTS, ...ACTIONS].some((w) =>
    wayForward.includes(w),
  );
  return named ? undefined : "names no declaration, input or action";
}

type Rule = (s: Situation, plan: Plan) => string | undefined;

const RULES: Record<string, Rule> = {
  "active/passive: failOver goes out only when the primary is out of contact, after the zero-loss wait, or with acceptDataLoss":
    (s, plan) => {
      const step = actions(plan).find((a) => a.action === "failOver");
      if (!step || s.kind !== "ACTIVE_PASSIVE") return undefined;
      const lost = other(step.side as Side);
      if (
        outOfContact(s.obs, lost) ||
        s.opts.acceptDataLoss ||
        before(plan, step, (p) => p.kind === "drain")
      )
        return undefined;
      return `failOver on ${step.side} while ${lost} is in contact, with no drain before it and no acceptDataLoss`;
    },
  // Both systems of an active/active link are read-write, failed over or not; each keeps what it has not sent,
  // and failBack restarts replication both ways (hcp-workflows.md 2a): failing over leaves nothing behind.
  "active/active: failOver goes out only on the system failOverTo names": (
    s,
    plan,
  ) => {
    const step = actions(plan).find(
      (a) => a.action === "failOver" || a.action === "failBack",
    );
    if (!step || s.kind !== "ACTIVE_ACTIVE") return undefined;
    const to = s.opts.failOverTo ?? "replica";
    return step.side === to
      ? undefined
      : `${step.action} on ${step.side}, failOverTo ${to}`;
  },
  "completeRecovery only during recovery, once the lag is known and within the threshold":
    (s, plan) => {
      const step = actions(plan).find((a) => a.action === "completeRecovery");
      if (!step) return undefined;
      if (!plan.ok) return undefined;
      const inRecovery =
        plan.phase === "recovering" ||
        before(plan, step, (p) => p.action === "beginRecovery");
      if (!inRecovery)
        return `completeRecovery planned from phase ${plan.phase}, with no beginRecovery before it`;
      if (before(plan, step, (p) => p.kind === "wait")) return undefined; // the wait reads the lag first
      return lagKnownWithin(s)
        ? undefined
        : "completeRecovery with no wait before it and the lag unknown or beyond the threshold";
    },
  "restore only on a broken link": (s, plan) => {
    const step = actions(plan).find((a) => a.action === "restore");
    if (!step) return undefined;
    const keeper = step.side as Side;
    const o = s.obs;
    const broken =
      o[keeper].reachable &&
      !!o[keeper].link &&
      o[other(keeper)].reachable &&
      o[other(keeper)].link === null;
    return broken
      ? undefined
      : `restore on ${keeper} although the link is not broken (${keeper} has it, ${other(keeper)} lacks it)`;
  },
  "no action needs a system whose replication service is shut down (resume never on a shut-down service)":
    (s, plan) => {
      for (const step of actions(plan)) {
        const row = WORKFLOWS.find((w) => w.id === step.workflow)?.steps[
          step.order
        ];
        const shut = (row?.needs ?? []).find(
          (side) => s.obs[side].service?.status === "SHUTDOWN",
        );
        if (shut)
          return `${step.action} planned although ${shut}'s replication service is shut down`;
      }
      return undefined;
    },
  "never two systems read-write on an active/passive link": (s, plan) => {
    if (s.kind !== "ACTIVE_PASSIVE") return undefined;
    const step = actions(plan).find((a) => a.action === "failOver");
    if (!step) return undefined;
    // The primary stays read-write only if it answers and cannot be told: in contact, HCP turns it read-only.
    const primary = s.obs.primary;
    const primaryServes =
      primary.reachable &&
      !!primary.link &&
      primary.link.statusMessage !== M.failedOver;
    if (!primaryServes || !outOfContact(s.obs, "primary")) return undefined;
    return s.opts.acceptDataLoss
      ? undefined
      : "failOver while the primary answers, serves and cannot be told";
  },
  "no action on a system declared out of service": (s, plan) => {
    const out = outOfService(s);
    const step = out && actions(plan).find((a) => a.side === out);
    return step
      ? `${step.action} on ${out}, which the declared ${s.declared} puts out of service`
      : undefined;
  },
  "a tenant is paused or resumed only on the system that serves, and only a tenant the link reports":
    (s, plan) => {
      for (const step of actions(plan).filter(
        (a) => a.action === "pauseTenant" || a.action === "resumeTenant",
      )) {
        const read = s.obs.tenants;
        // The statuses are the link's: read on the primary first, else on the replica (engine/observe.ts).
        if (!read || !((step.item ?? "") in read.statuses))
          return `${step.action} ${step.item} on ${step.side}`;
        const serving =
          plan.ok && plan.phase === "replicating"
            ? "primary"
            : (s.opts.failOverTo ?? "replica");
        if (s.kind === "ACTIVE_PASSIVE" && step.side !== serving)
          return `${step.action} on ${step.side}, which does not serve in phase ${plan.ok ? plan.phase : "?"}`;
      }
      return undefined;
    },
  "every planned step is a row of its table, numbered as the edition numbers it":
    (s, plan) => {
      if (!plan.ok) return undefined;
      const edition =
        s.opts.edition ??
        editionOf(s.obs.primary.softwareVersion, s.obs.replica.softwareVersion);
      if (plan.steps.length > 0 && plan.source?.edition !== edition)
        return `plan numbered as ${plan.source?.edition}, the releases read ${edition}`;
      for (const step of plan.steps) {
        const row = WORKFLOWS.find((w) => w.id === step.workflow)?.steps[
          step.order
        ];
        if (!row || row.id !== step.id)
          return `step ${step.id} is not row ${step.order} of ${step.workflow}`;
        if (row.numbers[edition] !== step.number)
          return `step ${step.id} numbered ${step.number}, the ${edition} table says ${row.numbers[edition]}`;
        if (
          row.kind !== step.kind ||
          row.action !== step.action ||
          row.side !== step.side
        )
          return `step ${step.id} differs from its row`;
      }
      return undefined;
    },
  "a refusal's way forward names a declaration or an action that exists": (
    _s,
    plan,
  ) => (plan.ok ? undefined : wayForwardFault(plan.refusal.wayForward)),
};

interface Tally {
  situations: number;
  plans: number;
  refusals: number;
  actions: Record<string, number>;
  outcomes: Set<string>;
  broken: Record<string, string[]>;
}

function run(): Tally {
  const t: Tally = {
    situations: 0,
    plans: 0,
    refusals: 0,
    actions: {},
    outcomes: new Set(),
    broken: {},
  };
  for (const s of situations()) {
    const plan = planTransition(s.declared, s.obs, s.opts);
    t.situations++;
    if (plan.ok) {
      t.plans++;
      for (const a of actions(plan))
        t.actions[a.action ?? ""] = (t.actions[a.action ?? ""] ?? 0) + 1;
      t.outcomes.add(plan.steps.map((p) => `${p.workflow}.${p.id}`).join(" "));
    } else {
      t.refusals++;
      t.outcomes.add(`refused: ${plan.refusal.reason.replace(/\d+/g, "#")}`);
    }
    for (const [rule, check] of Object.entries(RULES)) {
      const fault = check(s, plan);
      if (!fault) continue;
      const list = (t.broken[rule] ??= []);
      if (list.length < 5) list.push(`${s.name}: ${fault}`);
    }
  }
  return t;
}

describe("the safety rules hold over every situation the planner can meet", () => {
  const tally = run();

  it.each(Object.keys(RULES))("%s", (rule) => {
    expect(tally.broken[rule] ?? []).toEqual([]);
  });

  it("the enumeration does not shrink, and the planner still plans every kind of action from it", () => {
    expect(tally.situations).toBeGreaterThanOrEqual(FLOOR.situations);
    expect(tally.plans).toBeGreaterThanOrEqual(FLOOR.plans);
    expect(tally.refusals).toBeGreaterThanOrEqual(FLOOR.refusals);
    expect(tally.outcomes.size).toBeGreaterThanOrEqual(FLOOR.outcomes);
    for (const action of FLOOR.actions)
      expect([action, tally.actions[action] ?? 0]).toEqual([
        action,
        expect.any(Number),
      ]);
    expect(FLOOR.actions.filter((a) => !tally.actions[a])).toEqual([]);
  });
});

/** What the enumeration gave when the rules were written; raise it as the tables grow. */
const FLOOR = {
  situations: 148_608,
  plans: 37_042,
  refusals: 111_566,
  outcomes: 165,
  actions: [
    "failOver",
    "failBack",
    "restore",
    "beginRecovery",
    "completeRecovery",
    "suspend",
    "resume",
    "pauseTenant",
    "resumeTenant",
    "setScheduleOverride",
  ],
};
