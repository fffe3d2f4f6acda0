/**
 * The zero-loss planned switchover: steps the provider adds before seed step 1 (failOver) when both
 * systems answer and are in contact. The documented workflow sends failOver at once, which leaves behind
 * whatever the primary has not yet sent; here the operator is first told to stop client writes, and
 * failOver waits until the replica is within `maxDataLossSeconds` of the primary. An unplanned failover
 * (primary down or cut off) goes ahead at once; `acceptDataLoss` skips the wait, with its reason recorded.
 * The steps are unnumbered ("before step 1", as the plan shows steps an edition does not list) so the
 * documented numbering stays as HCP prints it.
 */
import { lagFigures, primaryInContact, replicationLag, type LagReading } from "../planner/lag";
import { describeRefusal } from "../planner/plan";
import type { Observation, PlanOptions, Refusal } from "../planner/types";
import { formatDuration } from "./errors";

export interface SwitchoverOptions {
  /** The replica may be at most this many seconds behind when failOver is sent (0: nothing pending). */
  maxDataLossSeconds: number;
  acceptDataLoss: boolean;
  acceptDataLossReason?: string;
}

/** A step the provider adds before failOver, as executedSteps records it: unnumbered, label "before step 1". */
export interface SwitchoverRecord {
  label: string;
  title: string;
  outcome: "done" | "noticed";
  startedAt: string;
  finishedAt: string;
}

/** The switchover applies when a failover (step 1) is planned and the primary answers and reaches the replica. */
export function isPlannedSwitchover(failoverPlanned: boolean, obs: Observation): boolean {
  return failoverPlanned && primaryInContact(obs) && obs.replica.reachable;
}

/** True when the lag is within the allowed data loss; unreported figures count as not within. */
export function withinDataLoss(lag: LagReading | undefined, maxDataLossSeconds: number): boolean {
  if (!lag) return false;
  if (lag.objects === 0 && lag.bytes === 0) return true;
  if (maxDataLossSeconds === 0) return false;
  return lag.seconds !== undefined && lag.seconds <= maxDataLossSeconds;
}

function target(o: SwitchoverOptions, opts: PlanOptions): string {
  return o.maxDataLossSeconds === 0
    ? `has everything ${opts.primaryName} has (nothing pending)`
    : `is within ${o.maxDataLossSeconds} s of ${opts.primaryName}`;
}

/** The plan's lines before the failOver step (numbered `failOverLabel`) for a failover planned on `obs`. */
export function switchoverPlanLines(failoverPlanned: boolean, obs: Observation, o: SwitchoverOptions, opts: PlanOptions, failOverLabel = "1"): string[] {
  if (!failoverPlanned) return [];
  const before = `Before step ${failOverLabel}`;
  if (o.acceptDataLoss) {
    return [`${before}: data loss accepted (${o.acceptDataLossReason ?? ""}): failOver is sent without waiting for ${opts.replicaName} to catch up`];
  }
  if (!isPlannedSwitchover(failoverPlanned, obs)) return [];
  return [
    `${before}: planned switchover (both systems answer): stop client writes to ${opts.primaryName} (primary)`,
    `${before}: wait until ${opts.replicaName} ${target(o, opts)}, then fail over`,
  ];
}

export interface SwitchoverRun {
  observe: () => Promise<Observation>;
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  waitTimeoutSeconds: number;
  pollIntervalSeconds: number;
}

/** The switchover wait ran out of time: refused, with the lag last seen. */
export class SwitchoverTimeoutError extends Error {
  constructor(
    readonly refusal: Refusal,
    readonly records: SwitchoverRecord[],
  ) {
    super(describeRefusal(refusal));
    this.name = "SwitchoverTimeoutError";
  }
}

/**
 * Runs the steps before step 1 when they apply (`failoverPlanned`: the run's plan starts with step 1).
 * Returns what it did, for executedSteps; throws SwitchoverTimeoutError when the replica does not catch up.
 */
export async function runSwitchover(
  failoverPlanned: boolean,
  first: Observation,
  o: SwitchoverOptions,
  opts: PlanOptions,
  run: SwitchoverRun,
  failOverLabel = "1",
): Promise<SwitchoverRecord[]> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const label = `before step ${failOverLabel}`;
  const say = (title: string) => run.log(`Step (${label}): ${title}`);
  if (!failoverPlanned) return [];
  if (o.acceptDataLoss) {
    const t = run.now();
    const title = `data loss accepted, failOver sent without waiting for ${opts.replicaName} to catch up; reason: ${o.acceptDataLossReason ?? ""}`;
    say(title);
    return [{ label, title, outcome: "noticed", startedAt: iso(t), finishedAt: iso(t) }];
  }
  if (!isPlannedSwitchover(failoverPlanned, first)) return [];
  const records: SwitchoverRecord[] = [];
  const told = run.now();
  const stop = `planned switchover: stop client writes to ${opts.primaryName} (primary) now`;
  say(`${stop}; failOver waits until ${opts.replicaName} ${target(o, opts)}.`);
  records.push({ label, title: stop, outcome: "noticed", startedAt: iso(told), finishedAt: iso(told) });

  const started = run.now();
  const deadline = started + run.waitTimeoutSeconds * 1000;
  const title = `wait until ${opts.replicaName} ${target(o, opts)}`;
  let obs = first;
  for (;;) {
    const lag = replicationLag(obs);
    const behind = lag ? `${opts.replicaName} is ${lagFigures(lag)} behind ${opts.primaryName}` : `the lag cannot be read (no statistics)`;
    if (withinDataLoss(lag, o.maxDataLossSeconds)) {
      say(`${title}: done after ${formatDuration(run.now() - started)}: ${behind}`);
      records.push({ label, title, outcome: "done", startedAt: iso(started), finishedAt: iso(run.now()) });
      return records;
    }
    if (!isPlannedSwitchover(true, obs)) {
      // The primary failed during the wait: what is left is an unplanned failover, which goes ahead.
      const line = `${title}: ${opts.primaryName} went out of contact while waiting; failing over as for an unplanned failover (the last known lag is recorded)`;
      say(line);
      records.push({ label, title: line, outcome: "noticed", startedAt: iso(started), finishedAt: iso(run.now()) });
      return records;
    }
    const left = deadline - run.now();
    if (left <= 0) {
      throw new SwitchoverTimeoutError(
        {
          reason: `${opts.replicaName} did not catch up with ${opts.primaryName} within ${formatDuration(run.waitTimeoutSeconds * 1000)} (waitTimeoutSeconds); failOver was not sent`,
          found: behind,
          expected: `${opts.replicaName} ${target(o, opts)} (maxDataLossSeconds ${o.maxDataLossSeconds})`,
          wayForward:
            `Make sure client writes to ${opts.primaryName} have stopped, then re-run \`pulumi up\`; or raise maxDataLossSeconds; ` +
            `or set acceptDataLoss: true with acceptDataLossReason to fail over now and leave the pending data behind. Nothing was changed.`,
        },
        records,
      );
    }
    say(`${title} (${formatDuration(left)} left): ${behind}`);
    await run.sleep(Math.min(run.pollIntervalSeconds * 1000, left));
    obs = await run.observe();
  }
}
