/**
 * Access modes of the link's tenants on each system, from the phase (docs/replication-model.md table).
 */
import { STATUS_MESSAGES, TENANT_ACCESS } from "../mapi/assumptions";
import { analysePhase } from "./phase";
import type { AccessMode, AccessModes, LinkPhase, Observation } from "./types";

type Known = Exclude<AccessMode, "unreachable">;

/**
 * `splitBrainHint`: the replica failed over while the primary could not be told (it was down or cut
 * off). Such a primary shows "Failed over" once reconnected, yet keeps its tenants read-write until
 * beginRecovery, which only the history tells.
 */
export function accessModes(obs: Observation, phase: LinkPhase, splitBrainHint = false): AccessModes {
  let effective = phase;
  if (phase === "suspended" || phase === "unknown") {
    const underneath = analysePhase(obs, undefined, true).phase;
    effective = underneath === "suspended" || underneath === "unknown" ? "replicating" : underneath;
  }
  const pLink = obs.primary.reachable ? obs.primary.link : undefined;
  let primary: Known;
  let replica: Known;
  if (effective === "absent") {
    // No link on the replica: its tenants are its own. The primary keeps writing either way.
    primary = "read-write";
    replica = "read-write";
  } else {
    const row = TENANT_ACCESS[effective === "suspended" || effective === "unknown" ? "replicating" : effective];
    primary = row.primary;
    replica = row.replica;
    if (effective === "failedOver") {
      const primaryNotTold =
        pLink === null ||
        (pLink !== undefined && pLink.statusMessage !== STATUS_MESSAGES.failedOver && pLink.statusMessage !== STATUS_MESSAGES.pending);
      if (splitBrainHint || primaryNotTold) primary = "read-write";
    }
  }
  return {
    primaryAccess: obs.primary.reachable ? primary : "unreachable",
    replicaAccess: obs.replica.reachable ? replica : "unreachable",
  };
}
