/**
 * Two stacks driving two links of one simulator at the same time, through the real Pulumi CLI: each
 * manages its own link and neither changes the other's; then the secret scans of everything they printed
 * and stored.
 */
import { acceptedActions, Capture, cliSecrets, outputs, scanForSecrets, startCliDrill, type CliDrill } from "./support/cli";
import { ensurePulumi } from "../helpers/pulumiCli";
import { Ledger } from "./support/ledger";
import { PRIMARY, REPLICA, startSim, waitUntil, type Sim } from "./support/sim";
import { recorder } from "./support/results";

const record = recorder(__filename);
const { SECRETS, simConfig } = cliSecrets();
const capture = new Capture();

beforeAll(async () => {
  await ensurePulumi(); // fails (never skips) with the bootstrap's reason when no CLI can be had
}, 30 * 60 * 1000);

describe("Real CLI: two stacks drive two links of one simulator at once", () => {
  let sim: Sim;
  let one: CliDrill;
  let two: CliDrill;

  beforeAll(async () => {
    sim = await startSim(
      simConfig({
        replicationRate: { objectsPerSecond: 50 },
        links: [
          { name: "link-one", primary: PRIMARY, replica: REPLICA, type: "ACTIVE_PASSIVE", tenants: ["finance"] },
          { name: "link-two", primary: PRIMARY, replica: REPLICA, type: "ACTIVE_PASSIVE", tenants: ["media"] },
        ],
      }),
    );
    one = await startCliDrill("faults-one", simConfig(), capture, { linkName: "link-one", tenants: '["finance"]', completeRecoveryWhenBehindSeconds: "3600" }, sim);
    two = await startCliDrill("faults-two", simConfig(), capture, { linkName: "link-two", tenants: '["media"]', completeRecoveryWhenBehindSeconds: "3600" }, sim);
  }, 10 * 60 * 1000);
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await sim?.stop();
  });

  const linkState = async (link: string) => ({ a: (await sim.link(PRIMARY, link))?.phase, b: (await sim.link(REPLICA, link))?.phase });

  test("both stacks up at once: each manages its own link; neither changes the other's", async () => {
    const rec = record("both stacks up at once: each manages its own link; neither changes the other's", "both succeed; no action on either link");
    const [r1, r2] = await Promise.all([one.run((s) => one.stack.up(s)), two.run((s) => two.stack.up(s))]);
    rec.see(`stack one: ${r1.summary.result} (${outputs(r1).phase}); stack two: ${r2.summary.result} (${outputs(r2).phase})`);
    expect([r1.summary.result, r2.summary.result]).toEqual(["succeeded", "succeeded"]);
    expect(await acceptedActions(sim, REPLICA)).toEqual({});
  }, 5 * 60 * 1000);

  test("stack one fails over link-one while stack two keeps link-two replicating", async () => {
    const rec = record("stack one fails over link-one while stack two keeps link-two replicating", "link-one failed over, link-two replicating; actions only on link-one");
    await one.stack.setConfig("state", { value: "failedOver" });
    const [r1, r2] = await Promise.all([one.run((s) => one.stack.up(s)), two.run((s) => two.stack.up(s))]);
    const accepted = await acceptedActions(sim, REPLICA);
    rec.see(`link-one ${JSON.stringify(await linkState("link-one"))}, link-two ${JSON.stringify(await linkState("link-two"))}; accepted ${JSON.stringify(accepted)}`);
    expect(outputs(r1)).toMatchObject({ phase: "failedOver", activeSystem: "replica" });
    expect(outputs(r2)).toMatchObject({ phase: "replicating", activeSystem: "primary" });
    expect(await linkState("link-two")).toEqual({ a: "replicating", b: "replicating" });
    expect(accepted).toEqual({ "link-one failOver": 1 });
    expect(await sim.access(REPLICA, "finance")).toBe("read-write");
    expect(await sim.access(REPLICA, "media")).toBe("read-only");
  }, 5 * 60 * 1000);

  test("at once: stack one recovers link-one while stack two fails over link-two; every object on each link's active system", async () => {
    const rec = record(
      "at once: stack one recovers link-one while stack two fails over link-two; every object on each link's active system",
      "link-one replicating with all finance objects on hcp-a; link-two failed over with all media objects on hcp-b; each action once, on its own link",
    );
    const finance = new Ledger(sim);
    const media = new Ledger(sim);
    await finance.write(REPLICA, "finance", "outage", 20);
    await media.write(PRIMARY, "media", "normal", 20);
    await waitUntil("link-two to replicate", async () => ((await media.presentOn(REPLICA)).missing.length === 0 ? true : undefined));
    await one.stack.setConfig("state", { value: "replicating" });
    await two.stack.setConfig("state", { value: "failedOver" });
    const [r1, r2] = await Promise.all([one.run((s) => one.stack.up(s)), two.run((s) => two.stack.up(s))]);
    const accepted = await acceptedActions(sim, REPLICA);
    const f = await finance.presentOn(PRIMARY);
    const m = await media.presentOn(REPLICA);
    rec.see(`link-one ${JSON.stringify(await linkState("link-one"))} (finance on ${PRIMARY}: ${f.present}/${f.expected}); link-two ${JSON.stringify(await linkState("link-two"))} (media on ${REPLICA}: ${m.present}/${m.expected})`);
    rec.see(`accepted: ${JSON.stringify(accepted)}`);
    expect(outputs(r1)).toMatchObject({ phase: "replicating", activeSystem: "primary", primaryAccess: "read-write", replicaAccess: "read-only" });
    expect(outputs(r2)).toMatchObject({ phase: "failedOver", activeSystem: "replica", replicaAccess: "read-write" });
    expect(accepted).toEqual({ "link-one failOver": 1, "link-one beginRecovery": 1, "link-one completeRecovery": 1, "link-two failOver": 1 });
    expect(f.missing).toEqual([]);
    expect(m.missing).toEqual([]);
  }, 5 * 60 * 1000);
});

describe("Secrets (two-stack drill): never in state or output", () => {
  scanForSecrets(capture, SECRETS, ["state", "output"], record);
});
