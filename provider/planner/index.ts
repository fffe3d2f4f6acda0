/**
 * The pure planner: observed state of both systems + declared state -> ordered seed steps or a refusal.
 * No IO here; the only imports from `../mapi` are types and the data in `assumptions.ts`.
 */
export * from "./types";
export { observePhase, analysePhase, isSuspended, EXPECTED_REPLICA_MESSAGES, EXPECTED_PRIMARY_MESSAGES, type PhaseAnalysis, type PhaseLabels } from "./phase";
export { planTransition, splitBrainAfter, evaluateCheck, dataBehind, isBehind, describeRefusal, type CheckResult } from "./plan";
export { accessModes } from "./access";
export { formatPlan } from "./format";
export { step, seedStepOf, allSteps, primaryLabel, replicaLabel } from "./steps";
export { analyseActiveActive, isActiveActiveObservation, EXPECTED_ACTIVE_ACTIVE_MESSAGES, type ActiveActiveAnalysis, type ActiveActivePhase } from "./activeActivePhase";
