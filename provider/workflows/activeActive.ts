/**
 * HCP's system failure workflow with an active/active link (System Management Help 7.3.1 and 9.x, the
 * same six steps in both: ../shared/reference/hcp-workflows.md section 2a). The documentation calls the
 * failed system A and the survivor B; either system of the link may be B, so the table is bound to a
 * survivor (`failOverTo`): one table failing over to the replica, one to the primary. There is no
 * recovery phase: failBack from the survivor restarts replication both ways. Data only, plus the words
 * of its refusals and warnings.
 */
import { ACTIVE_ACTIVE_LINK_TYPE, COLLISION_READING, STATUS_MESSAGES } from "../mapi/assumptions";
import { sideLabel } from "../model/labels";
import type { AccessModes, LinkPhase, Observation, PhaseLabels, PlanOptions, PlannedStep, Refusal, Side } from "../model/types";
import { analyseActiveActive, asPhaseAnalysis, EXPECTED_ACTIVE_ACTIVE_MESSAGES } from "../readings/activeActivePhase";
import { suspendedRefusal } from "./activePassive";
import type { LinkModel, PhaseFacts, PlanContext, ReadingContext, Workflow, WorkflowId, WorkflowStep } from "./types";

const other = (side: Side): Side => (side === "primary" ? "replica" : "primary");

/** The same number in both editions: the table did not change between 7.3.1 and 9.x. */
const n = (number: number) => ({ "9.x": number, "7.x": number });

function table(id: WorkflowId, B: Side): WorkflowStep[] {
  const A = other(B);
  const b = (o: PlanOptions) => sideLabel(B, o);
  const a = (o: PlanOptions) => sideLabel(A, o);
  return [
    // System A fails
    {
      id: `${id}.failOver`,
      numbers: n(1),
      side: B,
      kind: "action",
      action: "failOver",
      needs: [B],
      leadsTo: "failedOver",
      title: (o) => `On ${b(o)}, fail over link ${o.linkName} (${b(o)} keeps serving)`,
    },
    {
      id: `${id}.redirectClients`,
      numbers: n(2),
      side: "operator",
      kind: "notice",
      when: [["dnsFailoverOff"]],
      needs: [B],
      title: (o) => `DNS failover is off: direct clients to write only to ${b(o)}`,
    },
    // System A comes back online
    {
      id: `${id}.checkCertificateTrust`,
      numbers: n(3),
      side: A,
      kind: "check",
      check: "certificatesTrusted",
      when: [["systemRebuilt"]],
      needs: [A, B],
      title: (o) =>
        `Check that ${a(o)} and ${b(o)} trust each other's replication server certificates, re-exchanged if ` +
        `${o[A === "primary" ? "primaryName" : "replicaName"]} was rebuilt (ensured by ReplicationCertificateTrust resources)`,
    },
    {
      id: `${id}.checkLinkConfiguration`,
      numbers: n(4),
      side: B,
      kind: "check",
      check: B === "primary" ? "linkOnPrimary" : "linkOnReplica",
      needs: [A, B],
      title: (o) => `Check the configuration of link ${o.linkName} on ${b(o)} (applied by the ReplicationLink resource)`,
    },
    {
      id: `${id}.restoreLink`,
      numbers: n(5),
      side: B,
      kind: "action",
      action: "restore",
      when: [["linkBroken"]],
      needs: [A, B],
      leadsTo: "failedOver",
      title: (o) => `On ${b(o)}, restore link ${o.linkName} (it is missing on ${a(o)})`,
    },
    {
      id: `${id}.failBack`,
      numbers: n(6),
      side: B,
      kind: "action",
      action: "failBack",
      needs: [A, B],
      leadsTo: "replicating",
      title: (o) => `On ${b(o)}, fail back link ${o.linkName} (replication restarts in both directions)`,
    },
  ];
}

function reachability(side: Side, obs: Observation, opts: PlanOptions): string {
  const error = obs[side].error;
  return `${sideLabel(side, opts)} cannot be reached${error ? ` (${error})` : ""}`;
}

/** The other value of `failOverTo`, in words a user can put in the program. */
const otherWay = (B: Side) => `failOverTo: "${other(B)}"`;

function unreachableFor(B: Side) {
  return ({ declared, analysis, obs, opts }: PlanContext, side: Side, step: PlannedStep): Refusal => {
    if (side === B) {
      return {
        reason: `${reachability(B, obs, opts)}; the next step (${step.label}. ${step.title}) needs it`,
        found: `phase ${analysis.phase}; ${sideLabel(B, opts)} unreachable`,
        expected: `${sideLabel(B, opts)} reachable (failOverTo names it: it runs every action of the workflow)`,
        wayForward:
          declared === "failedOver" && analysis.phase === "replicating"
            ? `If ${sideLabel(B, opts)} is the system that failed, fail over the other way (${otherWay(B)}); otherwise ` +
              `bring it back (or fix its endpoint, credentials or caCertificate) and re-run \`pulumi up\`. Nothing was changed.`
            : `Bring ${sideLabel(B, opts)} back (or fix its endpoint, credentials or caCertificate), then re-run \`pulumi up\`. Nothing was changed.`,
      };
    }
    return {
      reason: `${reachability(side, obs, opts)}; failing back (step ${step.label} onwards) needs it back online`,
      found: `phase ${analysis.phase}; ${sideLabel(side, opts)} unreachable`,
      expected: `${sideLabel(side, opts)} back online and reachable`,
      wayForward:
        `Keep state "failedOver" (${sideLabel(B, opts)} keeps serving) until ${sideLabel(side, opts)} answers again, then ` +
        `re-run \`pulumi up\` with state "${declared}". Nothing was changed.`,
    };
  };
}

function noRoute({ declared }: PlanContext, phase: LinkPhase): Refusal {
  return {
    reason: `The active/active workflow has no step from phase ${phase} to "${declared}"`,
    found: `phase ${phase}`,
    expected: `phase replicating or failedOver`,
    wayForward: `Look at the link in the System Management Console of both systems, bring it back to "Synchronizing data" or "Failed over", then re-run \`pulumi up\`.`,
  };
}

/** Readings of an active/active link that no step can start from: a mixed type, an unknown message, no link. */
function unreadable({ declared, analysis: a, obs, opts }: ReadingContext): Refusal | undefined {
  const L = `link ${opts.linkName}`;
  if (a.wrongType) {
    const side = sideLabel(a.wrongType.side, opts);
    return {
      reason: `${L} has type ${a.wrongType.found} on ${side} but ${ACTIVE_ACTIVE_LINK_TYPE} on the other system`,
      found: a.detail,
      expected: `type ${ACTIVE_ACTIVE_LINK_TYPE} on both systems`,
      wayForward: `Check linkName and the link in both System Management Consoles (a conversion to active/active may be half done), then re-run \`pulumi up\`.`,
    };
  }
  if (a.phase === "absent" && !(declared === "replicating" && obs.primary.reachable && obs.replica.reachable)) {
    return {
      reason: `${L} exists on neither system that answers`,
      found: a.detail,
      expected: `${L} (type ${ACTIVE_ACTIVE_LINK_TYPE}) on at least the system that keeps serving`,
      wayForward: `Create the link with a ReplicationLink resource (type "ACTIVE_ACTIVE") and make this resource depend on it; check linkName.`,
    };
  }
  if (a.phase !== "unknown") return undefined;
  if (a.unreachable?.length === 2) {
    return {
      reason: `Neither system can be reached, so the state of ${L} cannot be read`,
      found: `${reachability("primary", obs, opts)}; ${reachability("replica", obs, opts)}`,
      expected: `at least the system named by failOverTo reachable`,
      wayForward: `Check the network, endpoints, credentials and caCertificate of both systems, then re-run \`pulumi up\`. Nothing was changed.`,
    };
  }
  const side = a.unexpectedMessage ? sideLabel(a.unexpectedMessage.side, opts) : "a system";
  return {
    reason: `${side} reports ${a.unexpectedMessage?.message === undefined ? "no statusMessage" : `status "${a.unexpectedMessage.message}"`} for ${L}, which the active/active workflow does not expect`,
    found: a.detail,
    expected: `one of: ${EXPECTED_ACTIVE_ACTIVE_MESSAGES.map((m) => `"${m}"`).join(", ")}`,
    wayForward: `Look at the link and the system log in the System Management Console of ${side} and resolve the condition, then re-run \`pulumi up\`. Nothing was changed.`,
  };
}

/**
 * Restore and failBack need the two systems in contact: a returned A that answers but still reports a
 * replicating or fault message has not heard of the failover (HCP would refuse failBack). A later poll may
 * see it change, so a wait keeps polling.
 */
function contactGuardFor(B: Side) {
  return ({ obs, opts }: PlanContext, steps: readonly PlannedStep[]): Refusal | undefined => {
    const A = other(B);
    const first = steps.find((s) => s.action === "restore" || s.action === "failBack");
    const message = obs[A].reachable ? obs[A].link?.statusMessage : undefined;
    if (!first || !obs[A].link || message === STATUS_MESSAGES.failedOver) return undefined;
    return {
      reason:
        `${sideLabel(A, opts)} answers but reports "${message ?? "no statusMessage"}" for link ${opts.linkName}, not "Failed over": ` +
        `it is not in contact with ${sideLabel(B, opts)}, so failing back (step ${first.label}) cannot run`,
      found: `${sideLabel(B, opts)} reports "Failed over"; ${sideLabel(A, opts)} reports "${message ?? "no statusMessage"}"`,
      expected: `${sideLabel(A, opts)} reporting "Failed over" (the two systems in contact)`,
      wayForward:
        `Restore the network between ${opts.primaryName} and ${opts.replicaName} (replication ports) and wait until ` +
        `${sideLabel(A, opts)} shows "Failed over", then re-run \`pulumi up\`. Nothing was changed.`,
      waitable: true,
    };
  };
}

function warningsFor(B: Side) {
  return ({ obs, opts }: PlanContext, steps: readonly PlannedStep[]): string[] => {
    const out: string[] = [];
    const S = sideLabel(B, opts);
    const O = sideLabel(other(B), opts);
    if (steps.some((s) => s.action === "failOver") && obs[other(B)].reachable) {
      out.push(
        `while link ${opts.linkName} is failed over, ${S} and ${O} both stay read-write and nothing replicates between ` +
          `them: keep clients on ${S} only, or the same object may be written on both.`,
      );
    }
    const back = steps.find((s) => s.action === "failBack");
    if (back) {
      out.push(
        `objects written on both systems while link ${opts.linkName} was failed over: after failBack (step ${back.label}) ` +
          `${COLLISION_READING} MAPI cannot list objects: if clients wrote to ${O} as well as ${S} since the failover, ` +
          `compare the namespaces (or copy out what must be kept) before running \`pulumi up\`.`,
      );
    }
    return out;
  };
}

function workflow(id: WorkflowId, B: Side): Workflow {
  return {
    id,
    name: "System failure workflow with an active/active link",
    kind: "ACTIVE_ACTIVE",
    failOverTo: B,
    survivor: B,
    steps: table(id, B),
    routes: {
      failedOver: { through: `${id}.redirectClients`, reaches: "failedOver", reachedIn: ["failedOver"], from: { replicating: `${id}.failOver` } },
      replicating: { through: `${id}.failBack`, reaches: "replicating", reachedIn: ["replicating"], from: { failedOver: `${id}.checkCertificateTrust` } },
    },
    absentLinkStep: `${id}.checkLinkConfiguration`,
    noRoute,
    unreachable: unreachableFor(B),
    guards: [contactGuardFor(B)],
    warnings: warningsFor(B),
  };
}

/** Failing over to the replica (the default `failOverTo`): the primary is system A of the documentation. */
export const activeActive: Workflow = workflow("activeActive", "replica");
/** Failing over to the primary (`failOverTo: "primary"`): the replica is system A. */
export const activeActiveToPrimary: Workflow = workflow("activeActiveToPrimary", "primary");

/** A state the active/active workflow has no phase for. */
function noWorkflow(declared: string, opts: PlanOptions): Refusal {
  return {
    reason:
      `link ${opts.linkName} is active/active, and state "${declared}" belongs to the active/passive workflows: an active/active link has no ` +
      `recovery phase (failBack is a single action) and is not suspended to wait for a failed system`,
    found: `type ${ACTIVE_ACTIVE_LINK_TYPE} on the systems; state "${declared}" declared`,
    expected: `state "replicating" or "failedOver" for an active/active link`,
    wayForward: `Declare state "failedOver" (with failOverTo naming the system that keeps serving) or "replicating".`,
  };
}

/** Both systems serve and stay read-write in every phase (hcp-workflows.md 2a); failed over, the survivor serves. */
const READ_WRITE = { primary: "read-write", replica: "read-write" } as const;

const PHASES: Readonly<Record<LinkPhase, PhaseFacts>> = {
  replicating: { words: "replicating (both systems active)", serves: "both", access: READ_WRITE, followsFailover: false, refreshAs: "replicating" },
  failedOver: { words: "failed over (the survivor active)", serves: "survivor", access: READ_WRITE, followsFailover: true, refreshAs: "failedOver" },
  suspended: { words: "suspended", serves: "both", access: READ_WRITE, followsFailover: false, refreshAs: "suspended", onTheWayTo: ["replicating"], cannotReach: suspendedRefusal },
  absent: { words: "the link missing", serves: "both", access: READ_WRITE, followsFailover: false },
  unknown: { words: "unknown", serves: "both", access: READ_WRITE, followsFailover: false },
  // Phases of active/passive links only: an active/active reading never gives them.
  pendingAcceptance: { words: "pendingAcceptance", serves: "both", access: READ_WRITE, followsFailover: true },
  pendingReplicaAcceptance: { words: "pendingReplicaAcceptance", serves: "both", access: READ_WRITE, followsFailover: false },
  recovering: { words: "recovering", serves: "both", access: READ_WRITE, followsFailover: true },
  completing: { words: "completing", serves: "both", access: READ_WRITE, followsFailover: true },
};

function access(obs: Observation): AccessModes {
  return {
    primaryAccess: obs.primary.reachable ? "read-write" : "unreachable",
    replicaAccess: obs.replica.reachable ? "read-write" : "unreachable",
  };
}

/** The active/active link model: peers, read-write on both sides, no recovery phase. */
export const activeActiveLink: LinkModel = {
  kind: "ACTIVE_ACTIVE",
  analyse: (obs: Observation, labels?: PhaseLabels) => asPhaseAnalysis(analyseActiveActive(obs, labels)),
  phases: PHASES,
  failOverTargets: ["replica", "primary"],
  noWorkflow,
  unreadable,
  access,
};
