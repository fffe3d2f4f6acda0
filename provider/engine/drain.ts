/**
 * The runner of a `drain` step: before a planned switchover's failOver, polls until the replica is within
 * `maxDataLossSeconds` of the primary (0: nothing pending). The documented workflow sends failOver at once,
 * which leaves behind whatever the primary has not yet sent; the table's notice before this step has told
 * the operator to stop client writes. A primary that goes out of contact meanwhile makes it an unplanned
 * failover, which goes ahead; a replica that does not catch up within waitTimeoutSeconds is refused with
 * the lag, and failOver is not sent.
 */
import { formatDuration, lagFigures, stepRef } from "../model/format";
import type { Observation, Plan, PlanOptions, PlannedStep, Refusal } from "../model/types";
import { bothInContact, replicationLag, withinDataLoss } from "../readings/lag";

/** What the executor lends this runner for one drain step. */
export interface DrainHost {
  readonly options: PlanOptions;
  readonly waitTimeoutSeconds: number;
  readonly pollIntervalSeconds: number;
  log(line: string): void;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** The last observation. */
  observation(): Observation;
  /** Re-reads both systems and plans. */
  refresh(step: PlannedStep): Promise<Plan>;
  record(step: PlannedStep, outcome: "done" | "noticed", started: number, note?: string): void;
  refused(refusal: Refusal): Error;
}

/** `caughtUp`: what the replica must reach, in words ("hcp-b has everything hcp-a has (nothing pending)"). */
export async function runDrainStep(host: DrainHost, step: PlannedStep, caughtUp: string, started: number): Promise<void> {
  const o = host.options;
  const waitingFor = `wait until ${caughtUp}`;
  const say = (line: string) => host.log(`${stepRef(step)}: ${line}`);
  const deadline = started + host.waitTimeoutSeconds * 1000;
  let obs = host.observation();
  for (;;) {
    const lag = replicationLag(obs);
    const behind = lag ? `${o.replicaName} is ${lagFigures(lag)} behind ${o.primaryName}` : `the lag cannot be read (no statistics)`;
    if (withinDataLoss(lag, o.maxDataLossSeconds ?? 0)) {
      say(`${waitingFor}: done after ${formatDuration(host.now() - started)}: ${behind}`);
      host.record(step, "done", started);
      return;
    }
    if (!bothInContact(obs)) {
      // The primary failed during the wait: what is left is an unplanned failover, which goes ahead.
      const line = `${o.primaryName} went out of contact while waiting; failing over as for an unplanned failover (the last known lag is recorded)`;
      say(`${waitingFor}: ${line}`);
      host.record(step, "noticed", started, line);
      return;
    }
    const left = deadline - host.now();
    if (left <= 0) {
      throw host.refused({
        reason: `${o.replicaName} did not catch up with ${o.primaryName} within ${formatDuration(host.waitTimeoutSeconds * 1000)} (waitTimeoutSeconds); failOver was not sent`,
        found: behind,
        expected: `${caughtUp} (maxDataLossSeconds ${o.maxDataLossSeconds ?? 0})`,
        wayForward:
          `Make sure client writes to ${o.primaryName} have stopped, then re-run \`pulumi up\`; or raise maxDataLossSeconds; ` +
          `or set acceptDataLoss: true with acceptDataLossReason to fail over now and leave the pending data behind. Nothing was changed.`,
      });
    }
    say(`${waitingFor} (${formatDuration(left)} left): ${behind}`);
    await host.sleep(Math.min(host.pollIntervalSeconds * 1000, left));
    await host.refresh(step);
    obs = host.observation();
  }
}
