/**
 * TLS fails closed: with a CA that did not sign a system's certificate (or none), the provider never
 * completes a TLS handshake with it, so no request (and no credential) reaches it; the error names TLS and
 * caCertificate. Skipping verification is an explicit opt-in that works and warns.
 */
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import { provider as linkProvider } from "../../provider/resources/linkProvider";
import { provider as trustProvider } from "../../provider/resources/certificateTrustProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import type { LinkInputs, LinkOutputs } from "../../provider/resources/replicationLink";
import type { TrustInputs, TrustOutputs } from "../../provider/resources/replicationCertificateTrust";
import type { SystemConnection } from "../../provider/resources/system";
import { installRuntimeHooks, previewResources, ResourceState, upResources } from "./support/providerStack";
import { PRIMARY, REPLICA, simConfig, startSim, type Sim } from "./support/sim";
import { recorder } from "./support/results";
import { makeCa } from "../mapi/helpers/certs";

const record = recorder(__filename);
let sim: Sim;
let wrongCa: string;
const printed: string[] = [];

beforeAll(async () => {
  installRuntimeHooks();
  for (const method of ["log", "info", "warn", "error"] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" ")));
  }
  jest.spyOn(process, "emitWarning").mockImplementation(((w: string | Error) => void printed.push(String(w))) as typeof process.emitWarning);
  sim = await startSim(simConfig());
  wrongCa = makeCa("Some other CA").certPem;
}, 60_000);
afterAll(async () => sim?.stop());
beforeEach(async () => {
  await sim.reset();
  printed.length = 0;
});

const withCa = (name: string, ca: string | undefined): SystemConnection => {
  const c = { ...sim.conn(name) } as SystemConnection;
  if (ca === undefined) delete c.caCertificate;
  else c.caCertificate = ca;
  return c;
};

async function totalRequests(): Promise<Record<string, number>> {
  return { [PRIMARY]: (await sim.sc.requestCounts(PRIMARY)).total, [REPLICA]: (await sim.sc.requestCounts(REPLICA)).total };
}

const TLS_MESSAGE = /TLS verification failed .*caCertificate/;

describe("TLS fails closed", () => {
  test.each([
    { title: "failover: a CA that did not sign either system's certificate", ca: "wrong" as const },
    { title: "failover: no caCertificate (the system's self-signed chain is not in the public roots)", ca: "none" as const },
  ])("$title", async ({ title, ca }) => {
    const rec = record(title, "no request reaches either system; preview and up name TLS and caCertificate; nothing changes");
    const pem = ca === "wrong" ? wrongCa : undefined;
    const inputs: FailoverInputs = { link: "link-ab", primary: withCa(PRIMARY, pem), replica: withCa(REPLICA, pem), state: "failedOver", pollIntervalSeconds: 1, waitTimeoutSeconds: 5 };
    const before = await totalRequests();
    const res = new ResourceState<FailoverInputs, FailoverOutputs>("failover", failoverProvider);
    // A refusal fails preview: its message is the refusal.
    const planned = await previewResources([[res as never, inputs]]).then(
      (preview) => ((preview.checked[0] as FailoverInputs).plannedSteps ?? []).join(" "),
      (err: Error) => err.message,
    );
    const up = await upResources([[res as never, inputs]]);
    const after = await totalRequests();
    rec.see(`preview: ${planned.slice(0, 260)}`);
    rec.see(`up: ${(up.error?.message ?? "succeeded").split("\n")[0].slice(0, 260)}`);
    rec.see(`requests answered: ${PRIMARY} ${after[PRIMARY] - before[PRIMARY]}, ${REPLICA} ${after[REPLICA] - before[REPLICA]}`);
    expect(planned).toMatch(/^failover: state: Refused: Neither system can be reached/);
    expect(planned).toMatch(TLS_MESSAGE);
    expect(up.ok).toBe(false);
    expect(up.error?.message).toMatch(TLS_MESSAGE);
    expect(after).toEqual(before);
    expect((await sim.link(REPLICA))?.phase).toBe("replicating");
  });

  test("certificate trust and link: a wrong CA fails their up with a TLS error, and nothing is uploaded or created", async () => {
    const title = "certificate trust and link: a wrong CA fails their up with a TLS error, and nothing is uploaded or created";
    const rec = record(title, "both resources fail naming TLS; no request reaches the systems");
    const before = await totalRequests();
    const trust = new ResourceState<TrustInputs, TrustOutputs>("trust", trustProvider);
    const trustUp = await upResources([[trust as never, { certificateOf: withCa(PRIMARY, wrongCa), trustedBy: withCa(REPLICA, wrongCa) }]]);
    const link = new ResourceState<LinkInputs, LinkOutputs>("link", linkProvider);
    const linkUp = await upResources([
      [link as never, { primary: withCa(PRIMARY, wrongCa), replica: withCa(REPLICA, wrongCa), linkName: "link-new", type: "ACTIVE_PASSIVE", remoteHost: "hcp-b.example.com" }],
    ]);
    const after = await totalRequests();
    rec.see(`trust up: ${(trustUp.error?.message ?? "succeeded").slice(0, 240)}`);
    rec.see(`link up: ${(linkUp.error?.message ?? "succeeded").slice(0, 240)}`);
    expect(trustUp.ok).toBe(false);
    expect(trustUp.error?.message).toMatch(TLS_MESSAGE);
    expect(linkUp.ok).toBe(false);
    expect(linkUp.error?.message).toMatch(TLS_MESSAGE);
    expect(after).toEqual(before);
  });

  test("a wrong CA for the primary only: nothing is sent to it; failover proceeds on the replica as with a primary that does not answer", async () => {
    const title = "a wrong CA for the primary only: nothing is sent to it; failover proceeds on the replica as with a primary that does not answer";
    const rec = record(title, `no request reaches ${PRIMARY}; ${PRIMARY} reported unreachable; the replica fails over (declared)`);
    const before = await totalRequests();
    const res = new ResourceState<FailoverInputs, FailoverOutputs>("failover", failoverProvider);
    const up = await upResources([[res as never, { link: "link-ab", primary: withCa(PRIMARY, wrongCa), replica: sim.conn(REPLICA), state: "failedOver", pollIntervalSeconds: 1 }]]);
    const after = await totalRequests();
    rec.see(`up: ${up.ok ? "succeeded" : up.error?.message.split("\n")[0]}; outputs ${res.outputs?.primaryAccess}/${res.outputs?.replicaAccess}, splitBrain ${res.outputs?.splitBrain}`);
    rec.see(`requests answered by ${PRIMARY}: ${after[PRIMARY] - before[PRIMARY]}`);
    expect(after[PRIMARY]).toBe(before[PRIMARY]);
    expect(up.ok).toBe(true);
    expect(res.outputs).toMatchObject({ activeSystem: "replica", primaryAccess: "unreachable" });
  });

  test("insecureSkipTlsVerify: true is an explicit opt-in: it connects and prints a warning", async () => {
    const title = "insecureSkipTlsVerify: true is an explicit opt-in: it connects and prints a warning";
    const rec = record(title, "preview works without a CA; a warning naming insecureSkipTlsVerify is printed");
    const conn = (name: string): SystemConnection => ({ ...withCa(name, undefined), insecureSkipTlsVerify: true });
    const res = new ResourceState<FailoverInputs, FailoverOutputs>("failover", failoverProvider);
    const preview = await previewResources([[res as never, { link: "link-ab", primary: conn(PRIMARY), replica: conn(REPLICA), state: "replicating", pollIntervalSeconds: 1 }]]);
    const planned = (preview.checked[0] as FailoverInputs).plannedSteps ?? [];
    const warning = printed.find((l) => /TLS certificate verification is OFF/.test(l));
    rec.see(`preview planned steps: ${planned.length}; warning: ${warning?.slice(0, 200) ?? "none"}`);
    expect(planned).toEqual([]);
    expect(warning).toMatch(/insecureSkipTlsVerify/);
  });
});
