/**
 * Two stacks on shared systems, at the provider level: each stack declares its own certificate trusts for
 * the same pair of systems (the demo program does). One stack letting go of its trust must not break the
 * other stack's link. The real-CLI side of two stacks is in cli.test.ts.
 */
import { provider as trustProvider } from "../../provider/resources/certificateTrustProvider";
import type { TrustInputs, TrustOutputs } from "../../provider/resources/replicationCertificateTrust";
import { installRuntimeHooks, ResourceState, upResources, wire } from "./support/providerStack";
import { PRIMARY, REPLICA, simConfig, startSim, waitUntil, type Sim } from "./support/sim";
import { recorder } from "./support/results";

const record = recorder(__filename);
let sim: Sim;

beforeAll(async () => {
  installRuntimeHooks();
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  sim = await startSim(
    simConfig({
      links: [
        { name: "link-one", primary: PRIMARY, replica: REPLICA, type: "ACTIVE_PASSIVE", tenants: ["finance"] },
        { name: "link-two", primary: PRIMARY, replica: REPLICA, type: "ACTIVE_PASSIVE", tenants: ["media"] },
      ],
    }),
  );
}, 60_000);
afterAll(async () => sim?.stop());

interface Summary {
  serverCertificate: { fingerprintSha256: string };
  trustedCertificates: Array<{ id: string; fingerprintSha256: string }>;
}
const summary = async (name: string) => (await sim.sc.state(name)) as unknown as Summary;
const hex = (f: string | undefined) => f?.replace(/:/g, "").toLowerCase();

describe("Two stacks, shared systems (provider level)", () => {
  test("deleting one stack's certificate trust leaves the other stack's link trusted and replicating", async () => {
    const title = "deleting one stack's certificate trust leaves the other stack's link trusted and replicating";
    const rec = record(title, `${REPLICA} still trusts ${PRIMARY}'s certificate; link-one keeps replicating`);
    const one = new ResourceState<TrustInputs, TrustOutputs>("stack one: replica-trusts-primary", trustProvider);
    const two = new ResourceState<TrustInputs, TrustOutputs>("stack two: replica-trusts-primary", trustProvider);
    const inputs = { certificateOf: sim.conn(PRIMARY), trustedBy: sim.conn(REPLICA) };
    expect((await upResources([[one as never, inputs]])).ok).toBe(true);
    expect((await upResources([[two as never, inputs]])).ok).toBe(true);
    rec.see(`both stacks adopted certificate id ${one.outputs?.certificateId} (stack two: ${two.outputs?.certificateId}); uploads: ${(await sim.sc.requestCounts(REPLICA)).byRoute["PUT /mapi/services/replication/certificates"] ?? 0}`);

    // Stack two stops managing replication (its trust is deleted, e.g. the stack is destroyed).
    await trustProvider.delete!(two.id as string, wire(two.outputs as TrustOutputs));
    const primaryFingerprint = hex((await summary(PRIMARY)).serverCertificate.fingerprintSha256);
    const stillTrusted = (await summary(REPLICA)).trustedCertificates.some((c) => hex(c.fingerprintSha256) === primaryFingerprint);
    await sim.sc.putObject(PRIMARY, "finance", "after-delete.txt", "written after stack two let go");
    const reached = await waitUntil("link-one to carry a new object", async () => ((await sim.sc.listObjects(REPLICA, "finance")).includes("after-delete.txt") ? true : undefined), 3000).then(
      () => true,
      () => false,
    );
    const status = (await sim.link(REPLICA, "link-one"))?.statusMessage;
    rec.see(`after stack two's trust was deleted: ${REPLICA} trusts ${PRIMARY}'s certificate: ${stillTrusted}; link-one on ${REPLICA}: "${status}"; new object replicated: ${reached}`);
    expect(stillTrusted).toBe(true);
    expect(reached).toBe(true);
  });
});
