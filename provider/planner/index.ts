/**
 * The planner: observed state of both systems + declared state -> ordered workflow steps or a refusal,
 * and the questions the layers above ask of the workflow tables. Pure: no IO.
 */
export { planTransition, chooseWorkflow, plannedStep, stepLabel, readLink } from "./plan";
export { readinessOf, readinessSummary, EXPIRY_WARNING_DAYS } from "./readiness";
export {
  accessModes,
  declaredStatesOf,
  followsFailover,
  knownPhase,
  liveFacts,
  phaseAfter,
  phasesReaching,
  refreshedState,
  splitBrainAfter,
  tableStep,
  trustToRead,
} from "./tables";
