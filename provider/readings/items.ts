/**
 * The items a table step is planned once for (`each` in provider/workflows/types.ts), read from the
 * declaration and the observation. Tenant names are case-insensitive in MAPI (hcp-workflows.md 5).
 */
import type { ItemSource, Observation, PlanOptions, TenantReplicationState } from "../model/types";

const declaredPaused = (opts: PlanOptions) => new Set((opts.pausedTenants ?? []).map((t) => t.toLowerCase()));

/** The link's tenants with this status, declared paused or not, in the order the system lists them. */
function tenantsWith(obs: Observation, status: TenantReplicationState, paused: boolean, opts: PlanOptions): string[] {
  if (opts.pausedTenants === undefined || !obs.tenants) return [];
  const declared = declaredPaused(opts);
  return Object.entries(obs.tenants.statuses)
    .filter(([tenant, s]) => s === status && declared.has(tenant.toLowerCase()) === paused)
    .map(([tenant]) => tenant);
}

const SOURCES: Readonly<Record<ItemSource, (obs: Observation, opts: PlanOptions) => string[]>> = {
  tenantsToPause: (obs, opts) => tenantsWith(obs, "REPLICATING", true, opts),
  tenantsToResume: (obs, opts) => tenantsWith(obs, "PAUSED", false, opts),
  autoPausedTenantsToResume: (obs, opts) => tenantsWith(obs, "AUTO_PAUSED", false, opts),
  // The declared recovery level, unless the link already runs at it.
  recoveryScheduleToSet: (obs, opts) => {
    const level = opts.recoveryPerformanceLevel;
    return level !== undefined && obs.schedule && obs.schedule.override !== level ? [level] : [];
  },
  // The override found before the recovery raised it, unless the link runs at it again.
  scheduleToPutBack: (obs, opts) => {
    const found = opts.memory?.scheduleFound;
    return found !== undefined && obs.schedule && obs.schedule.override !== found ? [found] : [];
  },
};

export function itemsOf(source: ItemSource, obs: Observation, opts: PlanOptions): string[] {
  return SOURCES[source](obs, opts);
}

/** Declared paused tenants the link does not carry (a CheckFailure names them). */
export function unknownTenants(obs: Observation, opts: PlanOptions): string[] {
  if (opts.pausedTenants === undefined || !obs.tenants) return [];
  const onLink = new Set(Object.keys(obs.tenants.statuses).map((t) => t.toLowerCase()));
  return opts.pausedTenants.filter((t) => !onLink.has(t.toLowerCase()));
}
