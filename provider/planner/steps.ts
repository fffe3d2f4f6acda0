/**
 * The eleven steps of HCP's primary-system-failure workflow (the cross-release 7.x seed numbering, a
 * superset of the 9.x one: step 6 only occurs on cross-release links), with one-line titles that name
 * the system each step happens on.
 */
import type { PlanOptions, PlannedStep, StepId } from "./types";

/** `hcp-a (primary)`. */
export function primaryLabel(opts: PlanOptions): string {
  return `${opts.primaryName} (primary)`;
}

/** `hcp-b (replica)`. */
export function replicaLabel(opts: PlanOptions): string {
  return `${opts.replicaName} (replica)`;
}

type StepTemplate = Omit<PlannedStep, "title"> & { title: (o: PlanOptions) => string };

const STEPS: readonly StepTemplate[] = [
  {
    seedStep: 1,
    id: "failOver",
    kind: "action",
    side: "replica",
    action: "failOver",
    title: (o) => `On ${replicaLabel(o)}, fail over link ${o.linkName}`,
  },
  {
    seedStep: 2,
    id: "redirectClientsToReplica",
    kind: "notice",
    side: "operator",
    title: (o) => `DNS failover is off: direct clients to write only to ${replicaLabel(o)}`,
  },
  {
    seedStep: 3,
    id: "checkCertificateTrust",
    kind: "check",
    side: "primary",
    title: (o) =>
      `Check that ${primaryLabel(o)} and ${replicaLabel(o)} trust each other's replication server certificates ` +
      `(ensured by ReplicationCertificateTrust resources)`,
  },
  {
    seedStep: 4,
    id: "checkLinkConfiguration",
    kind: "check",
    side: "replica",
    title: (o) => `Check the configuration of link ${o.linkName} on ${replicaLabel(o)} (applied by the ReplicationLink resource)`,
  },
  {
    seedStep: 5,
    id: "restoreLink",
    kind: "action",
    side: "replica",
    action: "restore",
    title: (o) => `On ${replicaLabel(o)}, restore link ${o.linkName} (it is missing on ${primaryLabel(o)})`,
  },
  {
    seedStep: 6,
    id: "acceptPendingRequest",
    kind: "operator",
    side: "primary",
    title: (o) =>
      `In the System Management Console of ${primaryLabel(o)}, accept the pending request for link ${o.linkName} ` +
      `(cross-release link; a person must do this)`,
  },
  {
    seedStep: 7,
    id: "beginRecovery",
    kind: "action",
    side: "replica",
    action: "beginRecovery",
    title: (o) => `On ${replicaLabel(o)}, begin data recovery on link ${o.linkName}`,
  },
  {
    seedStep: 8,
    id: "waitCloseToUpToDate",
    kind: "wait",
    side: "replica",
    title: (o) =>
      `Wait until data recovery on link ${o.linkName} is within ${o.completeRecoveryWhenBehindSeconds} s of up to date`,
  },
  {
    seedStep: 9,
    id: "completeRecovery",
    kind: "action",
    side: "replica",
    action: "completeRecovery",
    title: (o) => `On ${replicaLabel(o)}, complete data recovery on link ${o.linkName}`,
  },
  {
    seedStep: 10,
    id: "waitRecoveryFinished",
    kind: "wait",
    side: "replica",
    title: (o) =>
      `Wait for data recovery on link ${o.linkName} to finish (${o.primaryName} read-write, ${o.replicaName} read-only, ` +
      `replication ${o.primaryName} -> ${o.replicaName} restarted)`,
  },
  {
    seedStep: 11,
    id: "redirectClientsToPrimary",
    kind: "notice",
    side: "operator",
    title: (o) =>
      `DNS failover is off: once the system log shows "Replication data recovery completed", direct clients to ` +
      `write only to ${primaryLabel(o)}`,
  },
];

const BY_SEED = new Map(STEPS.map((s) => [s.seedStep, s]));
const BY_ID = new Map(STEPS.map((s) => [s.id, s]));

/** The planned step for a seed step number (1-11). */
export function step(seedStep: number, opts: PlanOptions): PlannedStep {
  const template = BY_SEED.get(seedStep);
  if (!template) throw new RangeError(`no seed step ${seedStep} (the workflow has steps 1-11)`);
  const { title, ...rest } = template;
  return { ...rest, title: title(opts) };
}

/** Seed step number of a step id. */
export function seedStepOf(id: StepId): number {
  const template = BY_ID.get(id);
  if (!template) throw new RangeError(`unknown step id ${String(id)}`);
  return template.seedStep;
}

/** Every step, in seed order. */
export function allSteps(opts: PlanOptions): PlannedStep[] {
  return STEPS.map((s) => step(s.seedStep, opts));
}
