/**
 * Split brain: failing over while the systems cannot talk leaves both sides read-write. Recovery must not
 * start until the systems agree again, and the data written on the primary meanwhile is at risk: recovery
 * copies the replica's objects onto the primary, so the primary's version of any object also written on
 * the replica is overwritten. These cases measure exactly which objects that is and check the provider
 * says so before it runs recovery.
 */
import { installRuntimeHooks, ProviderStack, type UpOutcome } from "./support/providerStack";
import { PRIMARY, REPLICA, simConfig, startSim, waitUntil, type Sim } from "./support/sim";
import { Ledger } from "./support/ledger";
import { recorder, type CaseRecord } from "./support/results";

const record = recorder(__filename);
let sim: Sim;

beforeAll(async () => {
  installRuntimeHooks();
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
  sim = await startSim(simConfig({ timeSpeed: 1, tickMs: 50, replicationRate: { objectsPerSecond: 50 } }));
}, 60_000);
afterAll(async () => sim?.stop());

const firstLine = (e: Error | undefined) => (e?.message ?? "").split("\n")[0];

async function changingActions(): Promise<Record<string, number>> {
  const { byRoute } = await sim.sc.requestCounts(REPLICA);
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(byRoute)) {
    const m = /^POST .*\?(\w+)$/.exec(route);
    if (m) out[m[1]] = n;
  }
  return out;
}

async function accepted(action: string): Promise<number> {
  return (await sim.sc.events(REPLICA)).filter((e) => new RegExp(`^Link '[^']+': ${action} (requested|run automatically)`).test(e.message)).length;
}

async function accessOf(system: string): Promise<string[]> {
  return [await sim.access(system, "finance"), await sim.access(system, "media")].map(String);
}

/**
 * Writes during the split brain: new objects on each side, and the same keys on both sides (different
 * bodies), as clients that were not all redirected would. Returns which primary objects recovery will
 * overwrite: those the replica also holds, in another version.
 */
async function splitBrainWrites(ledger: Ledger, rec: CaseRecord): Promise<{ overwritten: string[]; primaryOnly: string[] }> {
  await ledger.write(REPLICA, "finance", "split-replica", 3);
  await ledger.write(PRIMARY, "finance", "split-primary", 3);
  for (const key of ["contract-1.txt", "contract-2.txt"]) {
    expect(await ledger.tryWrite(PRIMARY, "media", key, `${key} as written on ${PRIMARY} during the split brain`)).toBeLessThan(300);
    expect(await ledger.tryWrite(REPLICA, "media", key, `${key} as written on ${REPLICA} during the split brain`)).toBeLessThan(300);
  }
  // Prediction from the two systems' contents: keys on both sides whose bodies differ.
  const overwritten: string[] = [];
  const primaryOnly: string[] = [];
  for (const tenant of ["finance", "media"]) {
    const onPrimary = await sim.sc.listObjects(PRIMARY, tenant);
    const onReplica = new Set(await sim.sc.listObjects(REPLICA, tenant));
    for (const key of onPrimary) {
      if (!onReplica.has(key)) {
        primaryOnly.push(`${tenant}/${key}`);
      } else if ((await sim.objectBody(PRIMARY, tenant, key)) !== (await sim.objectBody(REPLICA, tenant, key))) {
        overwritten.push(`${tenant}/${key}`);
      }
    }
  }
  rec.see(`written during the split brain: 3 new on ${REPLICA}, 3 new on ${PRIMARY}, 2 keys on both (different bodies)`);
  rec.see(`at risk on ${PRIMARY}: ${overwritten.length} object(s) also written on ${REPLICA}, which recovery overwrites: ${overwritten.join(", ")}`);
  rec.see(`written only on ${PRIMARY}: ${primaryOnly.join(", ")}`);
  return { overwritten, primaryOnly };
}

/** After recovery: which of the predicted objects the primary now holds in the replica's version. */
async function verifyAfterRecovery(ledger: Ledger, predicted: { overwritten: string[]; primaryOnly: string[] }, rec: CaseRecord): Promise<void> {
  const replaced: string[] = [];
  for (const item of predicted.overwritten) {
    const [tenant, key] = item.split("/");
    const body = await sim.objectBody(PRIMARY, tenant, key);
    if (body?.includes(`written on ${REPLICA}`)) replaced.push(item);
  }
  const kept: string[] = [];
  for (const item of predicted.primaryOnly) {
    const [tenant, key] = item.split("/");
    if ((await sim.objectBody(PRIMARY, tenant, key)) !== undefined) kept.push(item);
  }
  const present = await ledger.presentOn(PRIMARY);
  rec.see(`after recovery: ${replaced.length}/${predicted.overwritten.length} predicted objects hold ${REPLICA}'s version on ${PRIMARY} (the primary's split-brain version is lost); ${kept.length}/${predicted.primaryOnly.length} primary-only objects kept`);
  rec.see(`objects written anywhere present on ${PRIMARY} (by key): ${present.present}/${present.expected}`);
  expect(replaced).toEqual(predicted.overwritten);
  expect(present.missing).toEqual([]);
}

async function up(stack: ProviderStack, state: "failedOver" | "replicating", rec: CaseRecord, label: string): Promise<UpOutcome> {
  const outcome = await stack.up(state);
  rec.see(`${label}: ${outcome.ok ? "succeeded" : `failed: ${firstLine(outcome.error).slice(0, 400)}`}`);
  return outcome;
}

/**
 * Fails over while the systems cannot talk. The primary still serves, so without acceptDataLoss the
 * provider refuses and sends nothing (workflows/primaryFailure.ts servingPrimaryGuard); the operator then
 * declares it, as the refusal asks.
 */
async function failOverDuringCut(stack: ProviderStack, rec: CaseRecord): Promise<UpOutcome> {
  const before = (await sim.sc.changingRequests(REPLICA)) + (await sim.sc.changingRequests(PRIMARY));
  const refused = await up(stack, "failedOver", rec, "failover during the cut, without acceptDataLoss");
  expect(refused.ok).toBe(false);
  expect(firstLine(refused.error)).toMatch(/acceptDataLoss/);
  expect((await sim.sc.changingRequests(REPLICA)) + (await sim.sc.changingRequests(PRIMARY))).toBe(before);
  stack.options = { ...stack.options, acceptDataLossReason: "the site link is cut and hcp-a cannot be reached from the DR site" };
  return up(stack, "failedOver", rec, "failover during the cut, with acceptDataLoss");
}

describe("Split brain", () => {
  beforeEach(async () => sim.reset());

  test("network cut: failover leaves both systems read-write, and the stack says so", async () => {
    const rec = record("network cut: failover leaves both systems read-write, and the stack says so", `both read-write on the systems; outputs primaryAccess/replicaAccess read-write and splitBrain true`);
    const stack = new ProviderStack(sim.conn(PRIMARY), sim.conn(REPLICA), { waitTimeoutSeconds: 60 });
    expect((await up(stack, "replicating", rec, "create")).ok).toBe(true);
    await sim.sc.cutNetwork(PRIMARY, REPLICA);
    expect((await failOverDuringCut(stack, rec)).ok).toBe(true);
    const outs = stack.failover.outputs;
    rec.see(`systems: ${PRIMARY} ${(await accessOf(PRIMARY)).join("/")}, ${REPLICA} ${(await accessOf(REPLICA)).join("/")}; outputs: ${outs?.primaryAccess}/${outs?.replicaAccess}, splitBrain ${outs?.splitBrain}`);
    expect(await accessOf(PRIMARY)).toEqual(["read-write", "read-write"]);
    expect(await accessOf(REPLICA)).toEqual(["read-write", "read-write"]);
    const wrong: string[] = [];
    if (outs?.primaryAccess !== "read-write" || outs?.replicaAccess !== "read-write") wrong.push(`outputs say ${outs?.primaryAccess}/${outs?.replicaAccess}`);
    if (outs?.splitBrain !== true) wrong.push(`outputs say splitBrain ${outs?.splitBrain} after failing over while ${PRIMARY} could not be told`);

    // Once the systems talk again the primary learns of the failover but stays read-write; a refresh must still say so.
    await sim.sc.healNetwork(PRIMARY, REPLICA);
    await waitUntil("the primary to show the failover", async () => ((await sim.link(PRIMARY))?.statusMessage === "Failed over" ? true : undefined));
    const refreshed = await stack.refreshFailover();
    rec.see(`after the network heals: ${PRIMARY} ${(await accessOf(PRIMARY)).join("/")} ("${(await sim.link(PRIMARY))?.statusMessage}"); refresh reports primaryAccess ${refreshed.primaryAccess}, splitBrain ${refreshed.splitBrain}`);
    expect(await accessOf(PRIMARY)).toEqual(["read-write", "read-write"]);
    if (refreshed.primaryAccess !== "read-write") wrong.push(`after the network healed, refresh says ${PRIMARY} is ${refreshed.primaryAccess} while it is read-write`);
    expect(wrong).toEqual([]);
  });

  test("network cut: recovery does not start while the systems cannot talk", async () => {
    const rec = record("network cut: recovery does not start while the systems cannot talk", `preview refuses; no beginRecovery sent or accepted; both stay read-write`);
    const stack = new ProviderStack(sim.conn(PRIMARY), sim.conn(REPLICA), { waitTimeoutSeconds: 60 });
    expect((await up(stack, "replicating", rec, "create")).ok).toBe(true);
    await sim.sc.cutNetwork(PRIMARY, REPLICA);
    expect((await failOverDuringCut(stack, rec)).ok).toBe(true);

    const preview = await stack.preview("replicating");
    rec.see(`preview of "replicating" during the cut: ${preview.plannedSteps.join(" | ").slice(0, 400)}`);
    const recovery = await up(stack, "replicating", rec, "up to replicating during the cut");
    const sent = (await changingActions()).beginRecovery ?? 0;
    rec.see(`beginRecovery sent ${sent}, accepted ${await accepted("beginRecovery")}; ${REPLICA} "${(await sim.link(REPLICA))?.statusMessage}", ${PRIMARY} "${(await sim.link(PRIMARY))?.statusMessage}"`);
    expect(recovery.ok).toBe(false);
    expect(await accepted("beginRecovery")).toBe(0);
    expect(await accessOf(PRIMARY)).toEqual(["read-write", "read-write"]);
    expect(await accessOf(REPLICA)).toEqual(["read-write", "read-write"]);
    // The provider itself sees the disagreement (the primary cannot reach its peer) and refuses before sending.
    expect(preview.plannedSteps[0]).toMatch(/^Refused:/);
    expect(sent).toBe(0);
    await sim.sc.healNetwork(PRIMARY, REPLICA);
  });

  test("network cut: a declared failedOver is kept; re-running up while split changes nothing", async () => {
    const rec = record("network cut: a declared failedOver is kept; re-running up while split changes nothing", `no changing request while the declared state is failedOver, before and after the network heals`);
    const stack = new ProviderStack(sim.conn(PRIMARY), sim.conn(REPLICA), { waitTimeoutSeconds: 60 });
    expect((await up(stack, "replicating", rec, "create")).ok).toBe(true);
    await sim.sc.cutNetwork(PRIMARY, REPLICA);
    expect((await failOverDuringCut(stack, rec)).ok).toBe(true);
    const before = await sim.sc.changingRequests(REPLICA) + (await sim.sc.changingRequests(PRIMARY));
    expect((await up(stack, "failedOver", rec, "up again during the cut")).ok).toBe(true);
    await sim.sc.healNetwork(PRIMARY, REPLICA);
    await waitUntil("the primary to show the failover", async () => ((await sim.link(PRIMARY))?.statusMessage === "Failed over" ? true : undefined));
    expect((await up(stack, "failedOver", rec, "up again after the network heals")).ok).toBe(true);
    const after = await sim.sc.changingRequests(REPLICA) + (await sim.sc.changingRequests(PRIMARY));
    rec.see(`changing requests while failedOver was declared: ${after - before}; ${PRIMARY} ${(await accessOf(PRIMARY)).join("/")}, ${REPLICA} ${(await accessOf(REPLICA)).join("/")}`);
    expect(after - before).toBe(0);
    expect(await accepted("beginRecovery")).toBe(0);
  });

  test("network cut: once the systems agree, preview names the primary's data that recovery overwrites, and recovery does exactly that", async () => {
    const rec = record(
      "network cut: once the systems agree, preview names the primary's data that recovery overwrites, and recovery does exactly that",
      `preview warns of the split brain and the primary's writes; after recovery exactly the predicted objects carry the replica's version; nothing written anywhere is missing`,
    );
    const stack = new ProviderStack(sim.conn(PRIMARY), sim.conn(REPLICA), { waitTimeoutSeconds: 60, completeRecoveryWhenBehindSeconds: 300 });
    const ledger = new Ledger(sim);
    expect((await up(stack, "replicating", rec, "create")).ok).toBe(true);
    await ledger.write(PRIMARY, "finance", "before", 4);
    await waitUntil("replication of the first objects", async () => ((await ledger.presentOn(REPLICA)).missing.length === 0 ? true : undefined));
    await sim.sc.cutNetwork(PRIMARY, REPLICA);
    expect((await failOverDuringCut(stack, rec)).ok).toBe(true);
    const predicted = await splitBrainWrites(ledger, rec);
    expect(predicted.overwritten).toEqual(["media/contract-1.txt", "media/contract-2.txt"]);

    await sim.sc.healNetwork(PRIMARY, REPLICA);
    await waitUntil("the primary to show the failover", async () => ((await sim.link(PRIMARY))?.statusMessage === "Failed over" ? true : undefined));
    const preview = await stack.preview("replicating");
    const planText = preview.plannedSteps.join("\n");
    rec.see(`preview once the systems agree: ${preview.plannedSteps.map((l) => l.split(" ").slice(0, 6).join(" ")).join(" | ")}`);
    rec.see(`preview mentions the split brain: ${/split brain/i.test(planText)}; mentions overwriting the primary's data: ${/overwrit/i.test(planText)}`);

    const recovery = await up(stack, "replicating", rec, "recovery");
    expect(recovery.ok).toBe(true);
    await verifyAfterRecovery(ledger, predicted, rec);
    // The promise: preview says, before recovery runs, that the primary was written during the split brain and what recovery overwrites.
    expect(planText).toMatch(/split brain/i);
    expect(planText).toMatch(/overwrit/i);
  });

  test("primary down: failover, the primary returns read-write; recovery overwrites the objects also written on the replica", async () => {
    const rec = record(
      "primary down: failover, the primary returns read-write; recovery overwrites the objects also written on the replica",
      `splitBrain true and primaryAccess read-write once it is back; preview warns; after recovery exactly the predicted objects carry the replica's version`,
    );
    const stack = new ProviderStack(sim.conn(PRIMARY), sim.conn(REPLICA), { waitTimeoutSeconds: 60, completeRecoveryWhenBehindSeconds: 300 });
    const ledger = new Ledger(sim);
    expect((await up(stack, "replicating", rec, "create")).ok).toBe(true);
    await ledger.write(PRIMARY, "finance", "before", 4);
    await waitUntil("replication of the first objects", async () => ((await ledger.presentOn(REPLICA)).missing.length === 0 ? true : undefined));
    await sim.sc.takeDown(PRIMARY);
    expect((await up(stack, "failedOver", rec, "failover with the primary down")).ok).toBe(true);
    expect(stack.failover.outputs?.splitBrain).toBe(true);
    await sim.sc.bringUp(PRIMARY);
    await waitUntil("the primary to show the failover", async () => ((await sim.link(PRIMARY))?.statusMessage === "Failed over" ? true : undefined));
    const refreshed = await stack.refreshFailover();
    rec.see(`primary back: ${PRIMARY} ${(await accessOf(PRIMARY)).join("/")}, ${REPLICA} ${(await accessOf(REPLICA)).join("/")}; refresh: ${refreshed.primaryAccess}/${refreshed.replicaAccess}, splitBrain ${refreshed.splitBrain}`);
    expect(await accessOf(PRIMARY)).toEqual(["read-write", "read-write"]);
    expect(refreshed).toMatchObject({ primaryAccess: "read-write", replicaAccess: "read-write", splitBrain: true });

    const predicted = await splitBrainWrites(ledger, rec);
    const preview = await stack.preview("replicating");
    const planText = preview.plannedSteps.join("\n");
    rec.see(`preview mentions the split brain: ${/split brain/i.test(planText)}; mentions overwriting the primary's data: ${/overwrit/i.test(planText)}`);
    const recovery = await up(stack, "replicating", rec, "recovery");
    expect(recovery.ok).toBe(true);
    await verifyAfterRecovery(ledger, predicted, rec);
    expect(planText).toMatch(/split brain/i);
    expect(planText).toMatch(/overwrit/i);
  });
});
