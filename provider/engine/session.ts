/**
 * One ReplicationFailover's work against its two systems: preview (read, plan), converge (run the plan
 * through the executor) and refresh (read what the systems show). The session owns what the resource
 * would otherwise juggle: the observations of the run, the resource's memory of its link (one record:
 * the last phase known, the split brain, the lag kept), the split brain that an action begins or ends as
 * its table row says, and the record of what the transition cost. It knows nothing of Pulumi.
 */
import { RECOVERY_SCHEDULE_SIDE, STATUS_MESSAGES } from "../mapi/assumptions";
import type { ScheduleOverride } from "../mapi/types";
import type { MapiClient } from "../mapi/client";
import { describeRefusal, formatPlan } from "../model/format";
import type {
  AccessMode,
  ActiveSystem,
  DeclaredState,
  LagReading,
  LinkMemory,
  LinkPhase,
  Observation,
  Plan,
  PlanOptions,
  PlannedStep,
  ReadinessItem,
  Side,
  StepAction,
} from "../model/types";
import { knownPhase, liveFacts, phaseAfter, planTransition, readinessOf, refreshedState, splitBrainAfter, tableStep, trustToRead } from "../planner";
import { keepLag, replicationLag } from "../readings/lag";
import { runTransition, WorkflowError, type ExecutedStep } from "./executor";
import { lastTransitionOf, type LastTransition } from "./lastTransition";
import { observeSystems, readinessOfSystems, type ObservingClient } from "./observe";
import type { TenantStatusReader } from "./tenantPauses";

/** What the resource declares, as the engine needs it (defaults applied). */
export interface FailoverDeclaration {
  link: string;
  primaryName: string;
  replicaName: string;
  state: DeclaredState;
  failOverTo?: Side;
  /** Declared; what the systems report wins (undefined: not declared). */
  dnsFailover?: boolean;
  completeRecoveryWhenBehindSeconds: number;
  waitTimeoutSeconds: number;
  pollIntervalSeconds: number;
  maxDataLossSeconds: number;
  acceptDataLoss: boolean;
  acceptDataLossReason?: string;
  /** The tenants declared paused on the link; undefined: the tenants are not managed. */
  pausedTenants?: readonly string[];
  /** The performance level data recovery runs at; undefined: the link's schedule is left as it is. */
  recoveryPerformanceLevel?: string;
  /** MAPI endpoints, named in what a person is asked to do (console address). */
  endpoints: { primary: string; replica: string };
}

/** The clients a session reads (and, converging, acts) through. */
export type SessionClient = ObservingClient & Pick<MapiClient, "runLinkAction" | "setTenantPaused" | "setScheduleOverride" | "getLinkContent" | "getTenantStatus">;
export interface SessionClients<C = SessionClient> {
  primary: C;
  replica: C;
}

export interface SessionIO {
  /** One line of progress per call. */
  log: (line: string) => void;
  /** A timer; Ctrl-C may end it early (resources/waits.ts). */
  sleep: (ms: number) => Promise<void>;
  /** Throws when the operator stopped the run, before an action is sent. */
  throwIfCancelled: (where: string) => void;
  now?: () => number;
}

/** What the systems look like now, for the resource's outputs. */
export interface LiveView {
  phase: LinkPhase;
  activeSystem: ActiveSystem;
  primaryAccess: AccessMode;
  replicaAccess: AccessMode;
  /** The steps `up` will run, as the plan shows them (a refusal in one line). */
  plannedSteps: string[];
  /** The last phase known for sure (the phase, unless it is unknown). */
  lastKnownPhase?: LinkPhase;
  /** The primary is (or after the planned failover will be) in a split brain. */
  splitBrainSuspected: boolean;
}

/** What a preview found: the plan, the view, and what the resource keeps for the next run. */
export interface Preview {
  plan: Plan;
  view: LiveView;
  /** The phase the systems are in once this plan has run (check sees only its own inputs next time). */
  rememberedPhase?: LinkPhase;
  /** The lag to keep: read while the link replicates and the primary answers, else the one kept before. */
  lag?: LagReading;
  /** The schedule override to put back after data recovery (recoveryPerformanceLevel). */
  scheduleFound?: string;
}

/** What converging did. */
export interface Converged {
  view: LiveView;
  executed: ExecutedStep[];
  splitBrain: boolean;
  lastTransition?: LastTransition;
  /** The schedule override still to put back (recoveryPerformanceLevel), kept in the outputs until it is. */
  scheduleToPutBack?: string;
}

/** Converging stopped; `partial` is what is true now, for Pulumi's partial state. */
export class SessionStopped extends Error {
  constructor(
    override readonly cause: unknown,
    readonly partial: { view?: LiveView; executed: ExecutedStep[]; splitBrain: boolean; scheduleToPutBack?: string },
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "SessionStopped";
  }
}

/** A memory record from stored values, keeping only a phase the tables know. */
export function memoryFrom(stored: { lastKnownPhase?: string; splitBrain?: boolean; lag?: LagReading; scheduleFound?: string }): LinkMemory {
  const lastKnownPhase = knownPhase(stored.lastKnownPhase);
  return {
    ...(lastKnownPhase ? { lastKnownPhase } : {}),
    ...(stored.splitBrain ? { splitBrain: true } : {}),
    ...(stored.lag ? { lag: stored.lag } : {}),
    ...(stored.scheduleFound !== undefined ? { scheduleFound: stored.scheduleFound } : {}),
  };
}

/** The plan as a resource shows it: the numbered lines, or a refusal in one line. */
function describePlan(plan: Plan): string[] {
  return plan.ok ? formatPlan(plan) : [`Refused: ${describeRefusal(plan.refusal)}`];
}

export class FailoverSession {
  private readonly now: () => number;

  constructor(
    private readonly decl: FailoverDeclaration,
    private memory: LinkMemory,
    private readonly io: SessionIO,
  ) {
    this.now = io.now ?? Date.now;
  }

  /** The planner's options for the declaration and what the resource remembers. */
  options(memory: LinkMemory = this.memory): PlanOptions {
    const d = this.decl;
    return {
      ...(d.dnsFailover !== undefined ? { dnsFailover: d.dnsFailover } : {}),
      completeRecoveryWhenBehindSeconds: d.completeRecoveryWhenBehindSeconds,
      linkName: d.link,
      primaryName: d.primaryName,
      replicaName: d.replicaName,
      memory,
      ...(d.failOverTo ? { failOverTo: d.failOverTo } : {}),
      maxDataLossSeconds: d.maxDataLossSeconds,
      acceptDataLoss: d.acceptDataLoss,
      ...(d.acceptDataLossReason !== undefined ? { acceptDataLossReason: d.acceptDataLossReason } : {}),
      ...(d.pausedTenants !== undefined ? { pausedTenants: d.pausedTenants } : {}),
      ...(d.recoveryPerformanceLevel !== undefined ? { recoveryPerformanceLevel: d.recoveryPerformanceLevel } : {}),
    };
  }

  /** Whether the schedule is read: a recovery performance level is declared, or one found is still to be put back. */
  private readsSchedule(): boolean {
    return this.decl.recoveryPerformanceLevel !== undefined || this.memory.scheduleFound !== undefined;
  }

  /**
   * Reads both systems for a preview or a refresh (GET only): the links, what each system reports of its
   * replication service, certificate trust both ways and the tenants' statuses, which readiness needs.
   */
  async observe(clients: SessionClients<ObservingClient>): Promise<Observation> {
    return observeSystems(clients, this.decl.link, { readTrust: true, readService: true, readTenants: true, readSchedule: this.readsSchedule() });
  }

  /** Readiness of the link for the declared state, from `obs` and each system's role and certificates (kept per system). */
  async readiness(clients: SessionClients<ObservingClient>, obs: Observation, plan?: Plan): Promise<ReadinessItem[]> {
    const systems = await readinessOfSystems(clients, obs);
    const options = this.options();
    return readinessOf({ declared: this.decl.state, obs, opts: options, plan: plan ?? planTransition(this.decl.state, obs, options), systems, now: obs.now });
  }

  /** For preview: the plan from the live systems, what they look like, and what to keep. */
  preview(obs: Observation): Preview {
    const plan = planTransition(this.decl.state, obs, this.options());
    const view = this.view(plan, obs, this.options());
    const rememberedPhase = plan.ok && plan.steps.length > 0 ? phaseAfter(plan, this.decl.state) : view.lastKnownPhase;
    const lag = this.lagToKeep(plan, obs);
    const scheduleFound = this.scheduleToKeep(plan, obs);
    return { plan, view, ...(rememberedPhase ? { rememberedPhase } : {}), ...(lag ? { lag } : {}), ...(scheduleFound ? { scheduleFound } : {}) };
  }

  /** For refresh: what the systems show, and the declared state their phase corresponds to. */
  refresh(obs: Observation): { view: LiveView; observedState: DeclaredState; lag?: LagReading } {
    const plan = planTransition(this.decl.state, obs, this.options());
    const view = this.view(plan, obs, this.options());
    const lag = this.lagToKeep(plan, obs);
    return { view, observedState: refreshedState(obs, view.phase, this.decl.state), ...(lag ? { lag } : {}) };
  }

  /** Runs the plan until the declared state is reached; throws {@link SessionStopped} on a stop. */
  async converge(clients: SessionClients): Promise<Converged> {
    const run = new Convergence(this.decl, this.memory, this.io, clients, this.now);
    return run.go((memory) => this.options(memory), (plan, obs, options) => this.view(plan, obs, options));
  }

  private view(plan: Plan, obs: Observation, options: PlanOptions): LiveView {
    const memory = options.memory ?? {};
    const phase = plan.phase;
    const facts = liveFacts(obs, phase, options);
    const lastKnownPhase = phase === "unknown" ? memory.lastKnownPhase : phase;
    return {
      phase,
      activeSystem: facts.activeSystem,
      primaryAccess: facts.primaryAccess,
      replicaAccess: facts.replicaAccess,
      plannedSteps: describePlan(plan),
      ...(lastKnownPhase ? { lastKnownPhase } : {}),
      splitBrainSuspected: splitBrainAfter(plan, obs, this.decl.state, options),
    };
  }

  /**
   * The schedule override to put back after data recovery: the one kept, else the one read when the plan
   * raises it; forgotten once the link replicates again at it.
   */
  private scheduleToKeep(plan: Plan, obs: Observation): string | undefined {
    const kept = this.memory.scheduleFound;
    const now = obs.schedule?.override;
    if (kept !== undefined) return plan.ok && plan.steps.length === 0 && now === kept ? undefined : kept;
    const raises = plan.ok && plan.steps.some((s) => tableStep(s).each === "recoveryScheduleToSet");
    return raises ? now : undefined;
  }

  /** A dead primary's lag is what it was when last seen: a new reading only while the link replicates. */
  private lagToKeep(plan: Plan, obs: Observation): LagReading | undefined {
    return plan.phase === "replicating" ? keepLag(this.memory.lag, replicationLag(obs)) : this.memory.lag;
  }
}

/** One `up`: the executor's run with the session's observations, split-brain tracking and transition record. */
class Convergence {
  private splitBrain: boolean;
  private first: Observation | undefined;
  private last: Observation | undefined;
  /** The system an action just told of a failover, to see on the next reading whether it heard. */
  private toldJustNow: Side | undefined;

  constructor(
    private readonly decl: FailoverDeclaration,
    private readonly memory: LinkMemory,
    private readonly io: SessionIO,
    private readonly clients: SessionClients,
    private readonly now: () => number,
  ) {
    this.splitBrain = memory.splitBrain ?? false;
  }

  private memoryNow(lastKnownPhase?: LinkPhase): LinkMemory {
    return { ...this.memory, ...(lastKnownPhase ? { lastKnownPhase } : {}), splitBrain: this.splitBrain };
  }

  async go(options: (m: LinkMemory) => PlanOptions, view: (plan: Plan, obs: Observation, o: PlanOptions) => LiveView): Promise<Converged> {
    const startedAt = this.now();
    const observe = (purpose?: "poll") => this.observe(options(this.memoryNow()), purpose);
    try {
      const result = await runTransition({
        declared: this.decl.state,
        options: options(this.memoryNow()),
        observe,
        runAction: (side, action, spelling, step) => this.send(side, action, spelling, step),
        tenants: this.tenantReader(),
        log: this.io.log,
        sleep: this.io.sleep,
        now: this.now,
        waitTimeoutSeconds: this.decl.waitTimeoutSeconds,
        pollIntervalSeconds: this.decl.pollIntervalSeconds,
        endpoints: this.decl.endpoints,
      });
      const finalOptions = options(this.memoryNow(result.phase));
      const live = view(planTransition(this.decl.state, result.final, finalOptions), result.final, finalOptions);
      const lastTransition = this.transition(options(this.memory), result, startedAt);
      const found = this.memory.scheduleFound;
      const putBack = found !== undefined && result.final.schedule?.override !== found ? found : undefined;
      return {
        view: live,
        executed: result.executed,
        splitBrain: this.splitBrain,
        ...(lastTransition ? { lastTransition } : {}),
        ...(putBack !== undefined ? { scheduleToPutBack: putBack } : {}),
      };
    } catch (err) {
      const executed = err instanceof WorkflowError ? err.executed : [];
      let live: LiveView | undefined;
      try {
        const lastKnownPhase = (err instanceof WorkflowError ? err.lastKnownPhase : undefined) ?? this.memory.lastKnownPhase;
        const o = options(this.memoryNow(lastKnownPhase));
        const obs = await this.observe(o);
        live = view(planTransition(this.decl.state, obs, o), obs, o);
      } catch {
        live = undefined;
      }
      const putBack = this.memory.scheduleFound;
      throw new SessionStopped(err, { ...(live ? { view: live } : {}), executed, splitBrain: this.splitBrain, ...(putBack !== undefined ? { scheduleToPutBack: putBack } : {}) });
    }
  }

  private async observe(options: PlanOptions, purpose?: "poll"): Promise<Observation> {
    const obs = await observeSystems(this.clients, this.decl.link, {
      readTrust: (links) => trustToRead(this.decl.state, links, options),
      replicaFirst: purpose === "poll",
      readService: purpose !== "poll",
      liveTrust: true,
      readSchedule: purpose !== "poll" && (this.decl.recoveryPerformanceLevel !== undefined || this.memory.scheduleFound !== undefined),
      readTenants: this.decl.pausedTenants !== undefined && purpose !== "poll",
    });
    this.first ??= obs;
    this.last = obs;
    const told = this.toldJustNow;
    if (told) {
      // Read right after the action that began a failover: a system that answers but does not show it was
      // not told (the network between the systems is cut) and stays read-write.
      this.toldJustNow = undefined;
      const link = obs[told].reachable ? obs[told].link : undefined;
      if (link && link.statusMessage !== STATUS_MESSAGES.failedOver) this.splitBrain = true;
    }
    return obs;
  }

  private async send(side: Side, action: StepAction, spelling: string | undefined, step: PlannedStep): Promise<void> {
    this.io.throwIfCancelled(`before sending ${action} to the ${side}`);
    const client = this.clients[side];
    if (action === "pauseTenant" || action === "resumeTenant") {
      await client.setTenantPaused(this.decl.link, step.item ?? "", action === "pauseTenant");
      return;
    }
    if (action === "setScheduleOverride") {
      await client.setScheduleOverride(this.decl.link, RECOVERY_SCHEDULE_SIDE, step.item as ScheduleOverride);
      return;
    }
    const effect = tableStep(step).splitBrain;
    const peer: Side = side === "primary" ? "replica" : "primary";
    // A failover the other system cannot be told of leaves both sides read-write (split brain).
    if (effect === "begins" && this.last && !this.last[peer].reachable) this.splitBrain = true;
    if (effect === "ends") this.splitBrain = false;
    await client.runLinkAction(this.decl.link, action, spelling);
    if (effect === "begins") this.toldJustNow = peer;
  }

  /** Tenant statuses on the replica, which sends during data recovery (read only when a wait stops progressing). */
  private tenantReader(): TenantStatusReader {
    const { replica } = this.clients;
    return {
      where: `${this.decl.replicaName} (replica)`,
      listTenants: async () => (await replica.getLinkContent(this.decl.link)).tenants,
      status: async (tenant) => (await replica.getTenantStatus(this.decl.link, tenant)).status,
    };
  }

  /** What the run cost (RTO, data behind at its start), or undefined when it changed nothing. */
  private transition(options: PlanOptions, result: { phase: LinkPhase; executed: ExecutedStep[] }, startedAt: number): LastTransition | undefined {
    if (!this.first) return undefined;
    const from = planTransition(this.decl.state, this.first, options).phase;
    return lastTransitionOf({
      from,
      to: result.phase,
      start: this.first,
      ...(this.memory.lag ? { keptLag: this.memory.lag } : {}),
      startedAt,
      finishedAt: this.now(),
      ran: result.executed,
    });
  }
}
