/**
 * Every documented workflow the planner can walk, in the order it tries them (the tables of the link's
 * direction, then those of its content), and the model of each kind of link they walk. Adding a workflow is adding its table here (and its phase readings, if its links
 * are read another way).
 */
import { activeActive, activeActiveLink, activeActiveToPrimary } from "./activeActive";
import { activePassive } from "./activePassive";
import { primaryFailure } from "./primaryFailure";
import { replicaFailure } from "./replicaFailure";
import { tenantPauseOnPrimary, tenantPauseOnReplica } from "./tenantPause";
import type { LinkModel, Workflow } from "./types";
import type { LinkKind } from "../model/types";

export const WORKFLOWS: readonly Workflow[] = [
  primaryFailure,
  replicaFailure,
  activeActive,
  activeActiveToPrimary,
  tenantPauseOnPrimary,
  tenantPauseOnReplica,
];

export const LINK_MODELS: Readonly<Record<LinkKind, LinkModel>> = { ACTIVE_PASSIVE: activePassive, ACTIVE_ACTIVE: activeActiveLink };

export { primaryFailure, replicaFailure, activeActive, activeActiveToPrimary, tenantPauseOnPrimary, tenantPauseOnReplica, activePassive, activeActiveLink };
export type * from "./types";
