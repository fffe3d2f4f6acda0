/**
 * Fault matrix: for each step of the primary-system-failure workflow, each fault is injected at the moment
 * the provider starts that step (before its next MAPI call), then `pulumi up` is re-run until it converges.
 * Every case is a full drill: replicating -> failedOver (clients move to the replica) -> replicating, with
 * objects written on the primary before the failover and on the replica during it. Checked at the end:
 * the final phase and both sides' access modes (on the systems and in the stack's outputs), that a preview
 * shows nothing left to do, that every object written anywhere is on the active system (counted), that
 * each HCP action took effect exactly once, and that every `up` that succeeds reports the phase the systems
 * are really in.
 *
 * The providers are driven as the engine drives them (support/providerStack.ts). Faults come from the
 * simulator's control API; "provider process killed" stops the provider's run dead after the step's first
 * request reached the system (nothing it started answers or sends again, nothing is recorded), as a SIGKILL
 * would; tests/faults/cli.test.ts kills the real provider process under the real CLI.
 *
 * FAULTS_DEBUG=1 adds every progress line of every `up` to the case's details; FAULTS_ONLY=<regex> runs the
 * matching cases alone.
 */
import { installRuntimeHooks, ProviderStack, wire, type ClientCall, type RunHooks, type UpOutcome } from "./support/providerStack";
import { actionsTakenOn, PRIMARY, REPLICA, SimPool, simConfig, waitUntil, type Sim } from "./support/sim";
import { Ledger } from "./support/ledger";
import { recorder, type CaseRecord } from "./support/results";

const record = recorder(__filename);

/** The MAPI client timeout for the faulted system in the latency cases (the shipped default, 30 s, is not configurable). */
const CLIENT_TIMEOUT_MS = 3000;
/** Added to every response of the faulted system: above the client timeout. */
const LATENCY_MS = 4500;
/** 503 answers in a row: more than a read's retries (3), so at least one read fails. */
const BURST = 8;
/** A fault lasts until the `up` it hit ends, or this long, whichever comes first. */
const FAULT_MAX_MS = 6000;
/** `pulumi up` runs allowed per transition before the case counts as not converging. */
const MAX_UPS = 4;
/** Drills run side by side, each on its own simulator. */
const POOL = 8;

/**
 * Connect timeout of the drills whose system black-holes (HcpSystem.connectTimeoutSeconds; the default is
 * 5 s): short, yet long enough for a handshake while eight drills and their simulators share two cores.
 */
const BLACKHOLE_CONNECT_TIMEOUT_SECONDS = 3;

const FAULTS = [
  "primary down",
  "replica down",
  "primary black-holed",
  "replica black-holed",
  "network cut",
  "503 burst",
  "latency above client timeout",
  "provider process killed",
] as const;
type Fault = (typeof FAULTS)[number];

interface Row {
  /** The step's number in the 7.x table (the row's name in the reliability record). */
  step: number;
  /** The number the plan shows: the 9.x table on these 9.x systems; the 7.x table for the 7.x primary of "older". */
  shown: number;
  name: string;
  /** planned: both systems healthy at failover; rebuilt: the primary is rebuilt while failed over (link broken); older: rebuilt on an older release. */
  scenario: "planned" | "rebuilt" | "older";
  /** Which transition the step belongs to. */
  transition: "failover" | "recovery";
  /** The system the step's requests go to (target of 503s and latency). */
  side: typeof PRIMARY | typeof REPLICA;
}

const ROWS: Row[] = [
  { step: 1, shown: 1, name: "failOver", scenario: "planned", transition: "failover", side: REPLICA },
  { step: 2, shown: 2, name: "notice: clients to the replica", scenario: "planned", transition: "failover", side: REPLICA },
  { step: 3, shown: 3, name: "check certificate trust", scenario: "planned", transition: "recovery", side: PRIMARY },
  { step: 4, shown: 4, name: "check link configuration", scenario: "planned", transition: "recovery", side: REPLICA },
  { step: 5, shown: 5, name: "restore (rebuilt primary)", scenario: "rebuilt", transition: "recovery", side: REPLICA },
  { step: 6, shown: 6, name: "console acceptance (older release)", scenario: "older", transition: "recovery", side: PRIMARY },
  { step: 7, shown: 6, name: "beginRecovery", scenario: "planned", transition: "recovery", side: REPLICA },
  { step: 8, shown: 7, name: "wait until close to up to date", scenario: "planned", transition: "recovery", side: REPLICA },
  { step: 9, shown: 8, name: "completeRecovery", scenario: "planned", transition: "recovery", side: REPLICA },
  { step: 10, shown: 9, name: "wait for recovery to finish", scenario: "planned", transition: "recovery", side: REPLICA },
  { step: 11, shown: 10, name: "notice: clients to the primary", scenario: "planned", transition: "recovery", side: REPLICA },
];

const NOTICE_STEPS = [2, 11]; // 7.x numbers (Row.step)

/**
 * Injects one fault when the provider starts one step, and heals it. A step starts with its progress line
 * ("Step 7: …", "Step 6 ACTION REQUIRED: …"); the fault goes in before the provider's next MAPI call, so
 * that call is the first to meet it. A notice (steps 2 and 11) makes no call of its own: the fault goes in
 * as the notice is printed and lasts until it heals by itself, across the next `up`.
 */
class StepFault {
  armed = false;
  injected = false;
  active = false;
  /** Set when the injection happened in the current `up`. */
  injectedThisUp = false;
  where = "";
  private killCall: ClientCall | undefined;
  private timer: NodeJS.Timeout | undefined;
  private injecting: Promise<void> = Promise.resolve();
  private healedAt: Promise<void> = Promise.resolve();
  private resolveHealed: () => void = () => undefined;
  private readonly stepLine: RegExp;
  readonly notice: boolean;

  constructor(
    private readonly sim: Sim,
    readonly fault: Fault,
    readonly row: Row,
  ) {
    // "Step 7: …", "Step 2 NOTICE: …", "Step 6 ACTION REQUIRED: …" start a step ("Step 10" is not "Step 1").
    this.stepLine = new RegExp(`: Step ${row.shown}(:| NOTICE| ACTION REQUIRED)`);
    this.notice = NOTICE_STEPS.includes(row.step);
  }

  hooks(): RunHooks {
    return {
      onLog: (line, run) => {
        if (this.injected || !this.stepLine.test(line)) return;
        if (!this.notice) {
          this.armed = true;
          return;
        }
        this.where = "the notice (no MAPI call of its own)";
        if (this.fault === "provider process killed") {
          this.injected = this.injectedThisUp = true;
          run.kill();
        } else {
          this.injecting = this.inject();
        }
      },
      before: (call) => this.before(call),
      after: (call, run) => {
        // The step's first request reached the system; the process dies before it can use the answer.
        if (call === this.killCall) run.kill();
      },
      timeoutMsFor: (system) => (this.fault === "latency above client timeout" && system === this.row.side ? CLIENT_TIMEOUT_MS : undefined),
    };
  }

  private async before(call: ClientCall): Promise<void> {
    await this.injecting;
    if (!this.armed || this.injected) return;
    this.where = `${call.method}${call.method === "runLinkAction" ? `(${String(call.args[1])})` : ""} to ${call.system}`;
    if (this.fault === "provider process killed") {
      this.injected = this.injectedThisUp = true;
      this.killCall = call;
      return;
    }
    await this.inject();
  }

  private async inject(): Promise<void> {
    this.injected = this.injectedThisUp = true;
    this.active = true;
    this.healedAt = new Promise((resolve) => (this.resolveHealed = resolve));
    const { sc } = this.sim;
    switch (this.fault) {
      case "primary down":
        await sc.takeDown(PRIMARY);
        break;
      case "replica down":
        await sc.takeDown(REPLICA);
        break;
      case "primary black-holed":
        await sc.blackHole(PRIMARY);
        break;
      case "replica black-holed":
        await sc.blackHole(REPLICA);
        break;
      case "network cut":
        await sc.cutNetwork(PRIMARY, REPLICA);
        break;
      case "503 burst":
        await sc.failNext(this.row.side, BURST, 503);
        break;
      case "latency above client timeout":
        await sc.setLatency(this.row.side, LATENCY_MS);
        break;
      case "provider process killed":
        break;
    }
    this.timer = setTimeout(() => void this.heal(), FAULT_MAX_MS);
  }

  /** Called after each `up`: a step's fault ends with the `up` it hit; a notice's fault heals by itself. */
  async afterUp(): Promise<void> {
    await this.injecting;
    if (!this.notice) await this.heal();
  }

  /** Resolves once the fault is over (at once if it never started). */
  healed(): Promise<void> {
    return this.healedAt;
  }

  async heal(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    clearTimeout(this.timer);
    const { sc } = this.sim;
    switch (this.fault) {
      case "primary down":
      case "primary black-holed":
        await sc.bringUp(PRIMARY);
        break;
      case "replica down":
      case "replica black-holed":
        await sc.bringUp(REPLICA);
        break;
      case "network cut":
        await sc.healNetwork(PRIMARY, REPLICA);
        break;
      case "503 burst":
        await sc.failNext(this.row.side, 0, 503);
        break;
      case "latency above client timeout":
        await sc.setLatency(this.row.side, 0);
        break;
      case "provider process killed":
        break;
    }
    this.resolveHealed();
  }
}

/** Plays the person at the primary's console: accepts the pending request once `up` asks and no fault is on. */
function consoleOperator(sim: Sim, fault: StepFault) {
  let asked = false;
  let busy = false;
  let accepted = 0;
  const timer = setInterval(() => {
    if (!asked || busy || fault.active || (fault.row.step === 6 && !fault.injected)) return;
    busy = true;
    void sim.sc
      .pendingRequests(PRIMARY)
      .then(async (pending) => {
        for (const p of pending) {
          await sim.sc.acceptPendingRequest(PRIMARY, p.link);
          accepted++;
        }
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 200);
  return {
    onLog: (line: string) => {
      if (line.includes("ACTION REQUIRED")) asked = true;
    },
    accepted: () => accepted,
    stop: () => clearInterval(timer),
  };
}

function combine(...hooks: Array<RunHooks | undefined>): RunHooks {
  const list = hooks.filter((h): h is RunHooks => !!h);
  return {
    timeoutMsFor: (system) => list.map((h) => h.timeoutMsFor?.(system)).find((t) => t !== undefined),
    onLog: (line, run) => list.forEach((h) => h.onLog?.(line, run)),
    before: async (call, run) => {
      for (const h of list) await h.before?.(call, run);
    },
    after: async (call, run) => {
      for (const h of list) await h.after?.(call, run);
    },
  };
}

const firstLine = (err: Error | undefined) => (err?.message ?? "").split("\n")[0].slice(0, 220);

/** Runs `up` until one succeeds (healing the fault after each run); returns every outcome. */
async function converge(sim: Sim, stack: ProviderStack, state: "failedOver" | "replicating", hooks: RunHooks, fault: StepFault | undefined, rec: CaseRecord, label: string): Promise<UpOutcome[]> {
  const outcomes: UpOutcome[] = [];
  const started = Date.now();
  for (let attempt = 1; attempt <= MAX_UPS; attempt++) {
    if (fault) fault.injectedThisUp = false;
    const outcome = await stack.up(state, hooks);
    if (outcome.ok) {
      // An up that succeeds reports the phase the systems are in (checked before the fault heals).
      const claimed = stack.failover.outputs?.phase;
      const link = await sim.link(REPLICA);
      const actual = link?.pending ? "pendingAcceptance" : link?.phase;
      if (claimed !== "unknown" && claimed !== actual) {
        await fault?.afterUp();
        throw new Error(`${label} up #${attempt} succeeded reporting phase ${claimed}, but the systems were in phase ${actual} (${REPLICA} "${link?.statusMessage}")`);
      }
    }
    await fault?.afterUp();
    outcomes.push(outcome);
    if (process.env.FAULTS_DEBUG) rec.see(`${label} up #${attempt} lines:\n${outcome.run.lines.join("\n")}`);
    // A fault that came with a notice (the end of an up) is met by the next up: run at least one more.
    if (outcome.ok && !(fault?.notice && fault.injectedThisUp)) break;
    if (outcome.ok) {
      rec.see(`${label} up #${attempt} succeeded; the fault came with its last notice`);
      continue;
    }
    rec.see(`${label} up #${attempt} ${outcome.killed ? "killed" : "failed"} (${outcome.failedResource}): ${outcome.killed ? "provider process killed" : firstLine(outcome.error)}`);
  }
  const last = outcomes[outcomes.length - 1];
  if (!last.ok) throw new Error(`${label} did not converge in ${MAX_UPS} runs of up; last error: ${firstLine(last.error)}`);
  rec.see(`${label}: converged on up #${outcomes.length} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return outcomes;
}

/** The stack's state right after its first `up` on a reset simulator: the same every time, so made once per simulator. */
type Snapshot = Record<"trustBA" | "trustAB" | "link" | "failover", { id?: string; inputs?: unknown; outputs?: unknown }>;
const created = new WeakMap<Sim, Map<string, Snapshot>>();
const KEYS = ["trustBA", "trustAB", "link", "failover"] as const;

async function createOrRestore(sim: Sim, stack: ProviderStack): Promise<void> {
  const kind = stack.options.only ?? "all";
  const templates = created.get(sim) ?? new Map<string, Snapshot>();
  created.set(sim, templates);
  const template = templates.get(kind);
  if (template) {
    for (const key of KEYS) Object.assign(stack[key], wire(template[key]));
    return;
  }
  const up = await stack.up("replicating", combine());
  if (!up.ok) throw new Error(`the first up (creating the stack) failed: ${firstLine(up.error)}`);
  templates.set(kind, Object.fromEntries(KEYS.map((k) => [k, wire({ id: stack[k].id, inputs: stack[k].inputs, outputs: stack[k].outputs })])) as Snapshot);
}

async function drill(sim: Sim, row: Row, fault: Fault, rec: CaseRecord): Promise<void> {
  // The failover resource runs every step; the trusts and the link join it where the primary is rebuilt
  // (their re-upload is part of recovery there). Fewer resources keep the matrix affordable on two cores.
  const blackHole = fault.endsWith("black-holed");
  const conn = (name: string) => ({ ...sim.conn(name), ...(blackHole ? { connectTimeoutSeconds: BLACKHOLE_CONNECT_TIMEOUT_SECONDS } : {}) });
  const stack = new ProviderStack(conn(PRIMARY), conn(REPLICA), {
    completeRecoveryWhenBehindSeconds: 1800,
    waitTimeoutSeconds: 60,
    pollIntervalSeconds: 1,
    ...(row.scenario === "planned" ? { only: "failover" as const } : {}),
  });
  const ledger = new Ledger(sim);
  const stepFault = new StepFault(sim, fault, row);
  const operator = consoleOperator(sim, stepFault);
  try {
    await createOrRestore(sim, stack);

    // Clients write to the primary. When the primary is to be rebuilt (wiped), the failover waits until the
    // replica holds them all, as an administrator would before rebuilding.
    await ledger.write(PRIMARY, "finance", "before", 3);
    await ledger.write(PRIMARY, "media", "before", 3);
    if (row.scenario !== "planned") {
      await waitUntil("the replica to hold the objects written before the failover", async () => ((await ledger.presentOn(REPLICA)).missing.length === 0 ? true : undefined));
    }

    const failoverFault = row.transition === "failover" ? stepFault : undefined;
    await converge(sim, stack, "failedOver", combine(failoverFault?.hooks(), operator), failoverFault, rec, "failover");
    expect(stack.failover.outputs).toMatchObject({ activeSystem: "replica" });

    await stepFault.healed(); // clients hold their writes while a fault of the notice lasts
    // Clients write to the replica: early in the outage, then (two simulated hours later) just before recovery.
    await ledger.write(REPLICA, "finance", "outage-early", 2);
    await ledger.write(REPLICA, "media", "outage-early", 2);
    await sim.advanceClock(2 * 3600 * 1000);
    // Step 10 waits only while objects are left after completeRecovery: its row sends enough for a few polls.
    const late = row.step === 10 ? 6 : 2;
    await ledger.write(REPLICA, "finance", "outage-late", late);
    await ledger.write(REPLICA, "media", "outage-late", late);
    if (row.scenario !== "planned") {
      await sim.sc.rebuild(PRIMARY, false); // new certificate, no link, no trust, objects wiped
      if (row.scenario === "older") await sim.sc.setSoftwareVersion(PRIMARY, "7.3.1"); // the 7.x cross-release table
    }

    const recoveryFault = row.transition === "recovery" ? stepFault : undefined;
    await converge(sim, stack, "replicating", combine(recoveryFault?.hooks(), operator), recoveryFault, rec, "recovery");
    if (row.scenario === "older") rec.see(`console: the operator accepted ${operator.accepted()} pending request(s)`);

    await stepFault.healed();
    // A notice's fault lasts into the next `up`, which records what it read then (a system unreachable);
    // once the fault is over, the administrator's next `up` reads the systems again (and changes nothing).
    if (stepFault.notice && stepFault.injected) {
      const settled = await stack.up("replicating", combine(operator));
      if (!settled.ok) throw new Error(`the up after the fault healed failed: ${firstLine(settled.error)}`);
      rec.see("after the fault healed: one more up read the systems again");
    }
    // The fault really hit the step.
    if (!stepFault.injected) throw new Error(`the fault was never injected: step ${row.step} did not start in this drill`);
    rec.see(`fault hit step ${row.step} at ${stepFault.where}`);

    // Final phase and access modes, on the systems and in the stack's outputs.
    const [p, r] = [await sim.link(PRIMARY), await sim.link(REPLICA)];
    const access = {
      primary: [await sim.access(PRIMARY, "finance"), await sim.access(PRIMARY, "media")],
      replica: [await sim.access(REPLICA, "finance"), await sim.access(REPLICA, "media")],
    };
    const outs = stack.failover.outputs;
    rec.see(
      `final: ${PRIMARY} "${p?.statusMessage}" ${access.primary.join("/")}, ${REPLICA} "${r?.statusMessage}" ${access.replica.join("/")}; ` +
        `outputs phase ${outs?.phase}, active ${outs?.activeSystem}, ${outs?.primaryAccess}/${outs?.replicaAccess}`,
    );
    expect({ primary: p?.phase, replica: r?.phase }).toEqual({ primary: "replicating", replica: "replicating" });
    expect(access).toEqual({ primary: ["read-write", "read-write"], replica: ["read-only", "read-only"] });
    expect(outs).toMatchObject({ phase: "replicating", activeSystem: "primary", primaryAccess: "read-write", replicaAccess: "read-only" });

    // Converged: a preview finds nothing to do.
    const preview = await stack.preview("replicating", combine());
    expect({ changed: preview.changed, plannedSteps: preview.plannedSteps }).toEqual({ changed: [], plannedSteps: [] });

    // Every object written anywhere is on the active system.
    const objects = await ledger.presentOn(PRIMARY);
    rec.see(`objects on ${PRIMARY} (active): ${objects.present}/${objects.expected}`);
    expect(objects.missing).toEqual([]);
    expect(objects.expected).toBe(row.step === 10 ? 22 : 14);

    // Each action took effect exactly once (a refused or 503'd request does not count).
    const actions = await actionsTakenOn(sim, REPLICA);
    rec.see(`actions accepted on ${REPLICA}: ${Object.entries(actions).map(([a, n]) => `${a} ${n}`).join(", ")}`);
    expect(actions).toEqual({ failOver: 1, ...(row.scenario === "planned" ? {} : { restore: 1 }), beginRecovery: 1, completeRecovery: 1 });
  } finally {
    operator.stop();
    await stepFault.heal();
  }
}

let pool: SimPool;
/** FAULTS_ONLY=<regular expression> runs the matching cases alone (while working on one fault; never for docs/reliability.md). */
const only = process.env.FAULTS_ONLY ? new RegExp(process.env.FAULTS_ONLY) : undefined;
const cases = ROWS.flatMap((row) => FAULTS.map((fault) => ({ row, fault, title: `step ${row.step} (${row.name}) × ${fault}` }))).filter((c) => !only || only.test(c.title));
/** Each case's drill, started together in beforeAll (at most POOL at a time), awaited by its own test. */
const drills = new Map<string, Promise<void>>();

beforeAll(() => {
  installRuntimeHooks();
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
  jest.spyOn(console, "warn").mockImplementation(() => undefined);
  // Real time, 3 objects a second: recovery sends the 4 early objects (step 8 waits for them, as they are two
  // hours behind), then the late ones (step 10 waits for them after completeRecovery).
  pool = new SimPool(POOL, simConfig({ timeSpeed: 1, tickMs: 100, replicationRate: { objectsPerSecond: 3 } }));
  // The drills mostly wait on polls: they run side by side, independently of jest's own concurrency setting.
  for (const { row, fault, title } of cases) {
    const rec = record(title, `converges to replicating; ${PRIMARY} read-write, ${REPLICA} read-only; all objects on ${PRIMARY}; each action once`);
    const started = pool.with(async (sim) => {
      const t0 = Date.now();
      try {
        await drill(sim, row, fault, rec);
      } finally {
        rec.see(`drill took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    });
    started.catch(() => undefined); // reported by the case's own test
    drills.set(title, started);
  }
});
afterAll(async () => {
  await Promise.allSettled(drills.values());
  await pool?.stop();
});

describe("Fault matrix", () => {
  test.each(cases)("$title", async ({ title }) => {
    await drills.get(title);
  }, 15 * 60 * 1000);
});
