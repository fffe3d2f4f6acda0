/**
 * Bad input: malformed inputs fail in `check`, naming the property (and the allowed values for enums),
 * before any MAPI call (no client call is made, and the simulator answers no request). Inputs whose fault
 * only the live systems can reveal (an unknown tenant, an unknown link, a link of the wrong type) must be
 * refused in preview and before any changing request.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import { provider as linkProvider } from "../../provider/resources/linkProvider";
import { provider as trustProvider } from "../../provider/resources/certificateTrustProvider";
import type { FailoverInputs } from "../../provider/resources/replicationFailover";
import type { LinkInputs, LinkOutputs } from "../../provider/resources/replicationLink";
import type { TrustInputs } from "../../provider/resources/replicationCertificateTrust";
import { inRun, installRuntimeHooks, Run, wire } from "./support/providerStack";
import { PRIMARY, REPLICA, simConfig, startSim, type Sim } from "./support/sim";
import { recorder } from "./support/results";

const record = recorder(__filename);
let sim: Sim;
const SECRET = "Bad-Input-Secret-7f3a";

beforeAll(async () => {
  installRuntimeHooks();
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
  const base = simConfig();
  sim = await startSim({
    ...base,
    users: [{ username: "admin", password: SECRET, type: "local" }],
    // A second, active/active link between the same systems: the wrong kind for ReplicationFailover.
    links: [...(base.links ?? []), { name: "link-aa", primary: PRIMARY, replica: REPLICA, type: "ACTIVE_ACTIVE", tenants: ["shared"] }],
  });
}, 60_000);
afterAll(async () => sim?.stop());

/** MAPI requests both systems answered so far, and changing ones. */
async function requestTotals(): Promise<{ all: number; changing: number }> {
  let all = 0;
  let changing = 0;
  for (const s of [PRIMARY, REPLICA]) {
    all += (await sim.sc.requestCounts(s)).total;
    changing += await sim.sc.changingRequests(s);
  }
  return { all, changing };
}

/** Runs `work` in a provider run that counts the MAPI client calls made. */
async function counting<T>(work: () => Promise<T>): Promise<{ value: T; calls: string[] }> {
  const calls: string[] = [];
  const run = new Run({ before: (call) => void calls.push(`${call.method} ${call.system}`) });
  const value = await inRun(run, work);
  return { value, calls };
}

const failover = (change: (i: Record<string, unknown>) => void): FailoverInputs => {
  const inputs = wire({ link: "link-ab", primary: sim.conn(PRIMARY), replica: sim.conn(REPLICA), state: "replicating" }) as unknown as Record<string, unknown>;
  change(inputs);
  return inputs as unknown as FailoverInputs;
};
const link = (change: (i: Record<string, unknown>) => void): LinkInputs => {
  const inputs = wire({
    primary: sim.conn(PRIMARY),
    replica: sim.conn(REPLICA),
    linkName: "link-ab",
    type: "ACTIVE_PASSIVE",
    remoteHost: "hcp-b.example.com",
    tenants: ["finance", "media"],
  }) as unknown as Record<string, unknown>;
  change(inputs);
  return inputs as unknown as LinkInputs;
};
const trust = (change: (i: Record<string, unknown>) => void): TrustInputs => {
  const inputs = wire({ certificateOf: sim.conn(PRIMARY), trustedBy: sim.conn(REPLICA) }) as unknown as Record<string, unknown>;
  change(inputs);
  return inputs as unknown as TrustInputs;
};
const sys = (i: Record<string, unknown>, side: string) => i[side] as Record<string, unknown>;

type Resource = "ReplicationFailover" | "ReplicationLink" | "ReplicationCertificateTrust";
interface BadInput {
  resource: Resource;
  what: string;
  inputs: () => object;
  /** The property the failure must name. */
  property: string;
  /** Values the reason must list (enums). */
  allowed?: string[];
}

const STATES = ["replicating", "failedOver", "recovering", "suspended"];
const CASES: BadInput[] = [
  { resource: "ReplicationFailover", what: "state: wrong enum", inputs: () => failover((i) => (i.state = "failover")), property: "state", allowed: STATES },
  { resource: "ReplicationFailover", what: "state: wrong case", inputs: () => failover((i) => (i.state = "REPLICATING")), property: "state", allowed: STATES },
  { resource: "ReplicationFailover", what: "state: empty", inputs: () => failover((i) => (i.state = "")), property: "state", allowed: STATES },
  { resource: "ReplicationFailover", what: "state: missing", inputs: () => failover((i) => delete i.state), property: "state", allowed: STATES },
  { resource: "ReplicationFailover", what: "link: empty name", inputs: () => failover((i) => (i.link = "")), property: "link" },
  { resource: "ReplicationFailover", what: "link: blank name", inputs: () => failover((i) => (i.link = "   ")), property: "link" },
  { resource: "ReplicationFailover", what: "link: 65 characters", inputs: () => failover((i) => (i.link = "l".repeat(65))), property: "link" },
  { resource: "ReplicationFailover", what: "primary: missing", inputs: () => failover((i) => delete i.primary), property: "primary" },
  { resource: "ReplicationFailover", what: "primary.name: empty", inputs: () => failover((i) => (sys(i, "primary").name = "")), property: "primary.name" },
  { resource: "ReplicationFailover", what: "primary.name: spaces and punctuation", inputs: () => failover((i) => (sys(i, "primary").name = "hcp a!")), property: "primary.name" },
  { resource: "ReplicationFailover", what: "primary.endpoint: http", inputs: () => failover((i) => (sys(i, "primary").endpoint = "http://127.0.0.1:9090")), property: "primary.endpoint" },
  { resource: "ReplicationFailover", what: "primary.endpoint: no scheme", inputs: () => failover((i) => (sys(i, "primary").endpoint = "admin.hcp-a.example.com:9090")), property: "primary.endpoint" },
  { resource: "ReplicationFailover", what: "primary.endpoint: with a path", inputs: () => failover((i) => (sys(i, "primary").endpoint = "https://admin.hcp-a.example.com:9090/mapi")), property: "primary.endpoint" },
  { resource: "ReplicationFailover", what: "primary.endpoint: with a query", inputs: () => failover((i) => (sys(i, "primary").endpoint = "https://admin.hcp-a.example.com:9090?x=1")), property: "primary.endpoint" },
  { resource: "ReplicationFailover", what: "replica.endpoint: port 0", inputs: () => failover((i) => (sys(i, "replica").endpoint = "https://127.0.0.1:0")), property: "replica.endpoint" },
  { resource: "ReplicationFailover", what: "replica.endpoint: port 70000", inputs: () => failover((i) => (sys(i, "replica").endpoint = "https://127.0.0.1:70000")), property: "replica.endpoint" },
  { resource: "ReplicationFailover", what: "replica.endpoint: negative port", inputs: () => failover((i) => (sys(i, "replica").endpoint = "https://127.0.0.1:-1")), property: "replica.endpoint" },
  { resource: "ReplicationFailover", what: "replica.endpoint: empty", inputs: () => failover((i) => (sys(i, "replica").endpoint = "")), property: "replica.endpoint" },
  { resource: "ReplicationFailover", what: "replica.endpoint: credentials in the URL", inputs: () => failover((i) => (sys(i, "replica").endpoint = `https://admin:${SECRET}@127.0.0.1:9090`)), property: "replica.endpoint" },
  { resource: "ReplicationFailover", what: "replica.endpoint: credentials in a URL with a bad port", inputs: () => failover((i) => (sys(i, "replica").endpoint = `https://admin:${SECRET}@127.0.0.1:99999`)), property: "replica.endpoint" },
  { resource: "ReplicationFailover", what: "primary.username: empty", inputs: () => failover((i) => (sys(i, "primary").username = "")), property: "primary.username" },
  { resource: "ReplicationFailover", what: "primary.password: empty", inputs: () => failover((i) => (sys(i, "primary").password = "")), property: "primary.password" },
  { resource: "ReplicationFailover", what: "replica.password: missing", inputs: () => failover((i) => delete sys(i, "replica").password), property: "replica.password" },
  { resource: "ReplicationFailover", what: "primary.authType: wrong enum", inputs: () => failover((i) => (sys(i, "primary").authType = "kerberos")), property: "primary.authType", allowed: ["local", "ad"] },
  { resource: "ReplicationFailover", what: "primary.username: AD account without a domain", inputs: () => failover((i) => (sys(i, "primary").authType = "ad")), property: "primary.username" },
  { resource: "ReplicationFailover", what: "primary.caCertificate: not PEM", inputs: () => failover((i) => (sys(i, "primary").caCertificate = "not a certificate")), property: "primary.caCertificate" },
  { resource: "ReplicationFailover", what: "primary.insecureSkipTlsVerify: a string", inputs: () => failover((i) => (sys(i, "primary").insecureSkipTlsVerify = "yes")), property: "primary.insecureSkipTlsVerify" },
  { resource: "ReplicationFailover", what: "replica: the same system as the primary", inputs: () => failover((i) => (i.replica = { ...sys(i, "primary"), name: "hcp-b" })), property: "replica" },
  { resource: "ReplicationFailover", what: "waitTimeoutSeconds: negative", inputs: () => failover((i) => (i.waitTimeoutSeconds = -1)), property: "waitTimeoutSeconds" },
  { resource: "ReplicationFailover", what: "waitTimeoutSeconds: zero", inputs: () => failover((i) => (i.waitTimeoutSeconds = 0)), property: "waitTimeoutSeconds" },
  { resource: "ReplicationFailover", what: "waitTimeoutSeconds: a string", inputs: () => failover((i) => (i.waitTimeoutSeconds = "600")), property: "waitTimeoutSeconds" },
  { resource: "ReplicationFailover", what: "pollIntervalSeconds: zero", inputs: () => failover((i) => (i.pollIntervalSeconds = 0)), property: "pollIntervalSeconds" },
  { resource: "ReplicationFailover", what: "pollIntervalSeconds: fractional", inputs: () => failover((i) => (i.pollIntervalSeconds = 2.5)), property: "pollIntervalSeconds" },
  { resource: "ReplicationFailover", what: "completeRecoveryWhenBehindSeconds: negative", inputs: () => failover((i) => (i.completeRecoveryWhenBehindSeconds = -300)), property: "completeRecoveryWhenBehindSeconds" },
  { resource: "ReplicationFailover", what: "completeRecoveryWhenBehindSeconds: huge", inputs: () => failover((i) => (i.completeRecoveryWhenBehindSeconds = 1e12)), property: "completeRecoveryWhenBehindSeconds" },
  { resource: "ReplicationFailover", what: "dnsFailover: a string", inputs: () => failover((i) => (i.dnsFailover = "false")), property: "dnsFailover" },
  { resource: "ReplicationLink", what: "failoverSettings.local.autoCompleteRecovery on an ACTIVE_ACTIVE link", inputs: () => link((i) => ((i.type = "ACTIVE_ACTIVE"), (i.failoverSettings = { local: { autoCompleteRecovery: true } }))), property: "failoverSettings.local.autoCompleteRecovery" },
  { resource: "ReplicationLink", what: "type: OUTBOUND (a MAPI side type)", inputs: () => link((i) => (i.type = "OUTBOUND")), property: "type", allowed: ["ACTIVE_PASSIVE", "ACTIVE_ACTIVE"] },
  { resource: "ReplicationLink", what: "type: missing", inputs: () => link((i) => delete i.type), property: "type", allowed: ["ACTIVE_PASSIVE", "ACTIVE_ACTIVE"] },
  { resource: "ReplicationLink", what: "linkName: empty", inputs: () => link((i) => (i.linkName = "")), property: "linkName" },
  { resource: "ReplicationLink", what: "linkName: 65 characters", inputs: () => link((i) => (i.linkName = "l".repeat(65))), property: "linkName" },
  { resource: "ReplicationLink", what: "remoteHost: empty", inputs: () => link((i) => (i.remoteHost = "")), property: "remoteHost" },
  { resource: "ReplicationLink", what: "remoteHost: a URL path", inputs: () => link((i) => (i.remoteHost = "hcp-b.example.com/replication")), property: "remoteHost" },
  { resource: "ReplicationLink", what: "remoteHost: a space", inputs: () => link((i) => (i.remoteHost = "hcp b")), property: "remoteHost" },
  { resource: "ReplicationLink", what: "priority: wrong enum", inputs: () => link((i) => (i.priority = "FASTEST")), property: "priority", allowed: ["OLDEST_FIRST", "FAIR"] },
  { resource: "ReplicationLink", what: "compression: a string", inputs: () => link((i) => (i.compression = "yes")), property: "compression" },
  { resource: "ReplicationLink", what: "tenants: an empty name", inputs: () => link((i) => (i.tenants = ["finance", ""])), property: "tenants[1]" },
  { resource: "ReplicationLink", what: "tenants: a name twice (case-insensitive)", inputs: () => link((i) => (i.tenants = ["finance", "Finance"])), property: "tenants[1]" },
  { resource: "ReplicationLink", what: "tenants: not a list", inputs: () => link((i) => (i.tenants = "finance")), property: "tenants" },
  { resource: "ReplicationLink", what: "defaultNamespaceDirectories: an empty name", inputs: () => link((i) => (i.defaultNamespaceDirectories = [""])), property: "defaultNamespaceDirectories[0]" },
  { resource: "ReplicationLink", what: "failoverSettings.local.autoFailoverMinutes: below 7", inputs: () => link((i) => (i.failoverSettings = { local: { autoFailover: true, autoFailoverMinutes: 3 } })), property: "failoverSettings.local.autoFailoverMinutes" },
  { resource: "ReplicationLink", what: "failoverSettings.remote.autoCompleteRecoveryMinutes: negative", inputs: () => link((i) => (i.failoverSettings = { remote: { autoCompleteRecoveryMinutes: -1 } })), property: "failoverSettings.remote.autoCompleteRecoveryMinutes" },
  { resource: "ReplicationLink", what: "allowDeletion: a string", inputs: () => link((i) => (i.allowDeletion = "true")), property: "allowDeletion" },
  { resource: "ReplicationLink", what: "primary.password: missing", inputs: () => link((i) => delete sys(i, "primary").password), property: "primary.password" },
  { resource: "ReplicationLink", what: "replica.endpoint: port 65536", inputs: () => link((i) => (sys(i, "replica").endpoint = "https://127.0.0.1:65536")), property: "replica.endpoint" },
  { resource: "ReplicationCertificateTrust", what: "certificateOf.endpoint: ftp", inputs: () => trust((i) => (sys(i, "certificateOf").endpoint = "ftp://127.0.0.1:9090")), property: "certificateOf.endpoint" },
  { resource: "ReplicationCertificateTrust", what: "trustedBy.password: empty", inputs: () => trust((i) => (sys(i, "trustedBy").password = "")), property: "trustedBy.password" },
  { resource: "ReplicationCertificateTrust", what: "trustedBy: the same system", inputs: () => trust((i) => (i.trustedBy = { ...sys(i, "certificateOf"), name: "other" })), property: "trustedBy" },
  { resource: "ReplicationCertificateTrust", what: "trustedBy.authType: wrong enum", inputs: () => trust((i) => (sys(i, "trustedBy").authType = "saml")), property: "trustedBy.authType", allowed: ["local", "ad"] },
];

const PROVIDERS: Record<Resource, Pick<dynamic.ResourceProvider, "check">> = {
  ReplicationFailover: failoverProvider as unknown as Pick<dynamic.ResourceProvider, "check">,
  ReplicationLink: linkProvider as unknown as Pick<dynamic.ResourceProvider, "check">,
  ReplicationCertificateTrust: trustProvider as unknown as Pick<dynamic.ResourceProvider, "check">,
};

describe("Bad input rejected in check, before any API call", () => {
  test("at least 30 malformed inputs are covered", () => {
    const rec = record("at least 30 malformed inputs are covered", "30 or more cases");
    rec.see(`${CASES.length} malformed inputs across the three resources`);
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  test.each(CASES.map((c) => ({ ...c, title: `${c.resource} ${c.what}` })))("$title", async (c) => {
    const rec = record(c.title, `check fails naming ${c.property}${c.allowed ? ` and listing ${c.allowed.join(", ")}` : ""}; no MAPI request`);
    const before = await requestTotals();
    const { value: result, calls } = await counting(() => PROVIDERS[c.resource].check!({}, c.inputs()));
    const after = await requestTotals();
    const failures = (result.failures ?? []) as dynamic.CheckFailure[];
    const named = failures.find((f) => f.property === c.property);
    rec.see(named ? `${named.property}: ${named.reason}` : `failures: ${JSON.stringify(failures)}`);
    rec.see(`MAPI client calls: ${calls.length}; requests answered by the systems: ${after.all - before.all}`);
    expect(failures.map((f) => f.property)).toContain(c.property);
    expect(named?.reason).toContain(c.property.replace(/\[\d+\]$/, ""));
    for (const value of c.allowed ?? []) expect(named?.reason).toContain(`"${value}"`);
    expect(result.inputs).toBeUndefined();
    expect(calls).toEqual([]);
    expect(after).toEqual(before);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});

describe("Bad input only the live systems reveal: refused in preview, before any changing request", () => {
  test("ReplicationLink tenants: a tenant that does not exist", async () => {
    const rec = record("ReplicationLink tenants: a tenant that does not exist", "preview (check) fails naming tenants[2]; no changing request");
    const before = await requestTotals();
    const news = link((i) => (i.tenants = ["finance", "media", "no-such-tenant"]));
    const checked = await counting(() => linkProvider.check!({} as LinkInputs, news));
    const failures = (checked.value.failures ?? []) as dynamic.CheckFailure[];
    rec.see(failures.length > 0 ? `check failures: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}` : `check passed; liveDrift: ${JSON.stringify(checked.value.inputs?.liveDrift)}`);
    let upError: string | undefined;
    if (failures.length === 0) {
      // What `up` would then do: the link exists, so diff and update.
      const inputs = wire(checked.value.inputs as LinkInputs);
      const olds = { ...inputs, tenants: ["finance", "media"], linkId: "", authoritativeSide: "primary" } as LinkOutputs;
      try {
        await linkProvider.update!("link-ab", olds, inputs);
      } catch (err) {
        upError = (err as Error).message;
      }
      rec.see(`up: ${upError ?? "succeeded"}`);
    }
    const after = await requestTotals();
    rec.see(`changing requests sent: ${after.changing - before.changing}`);
    expect(failures.map((f) => f.property)).toContain("tenants[2]");
    expect(after.changing).toBe(before.changing);
  });

  test("ReplicationFailover link: a link that does not exist", async () => {
    const rec = record("ReplicationFailover link: a link that does not exist", "preview fails with a refusal naming the link; up is refused; no changing request");
    const before = await requestTotals();
    const news = failover((i) => {
      i.link = "no-such-link";
      i.state = "failedOver";
    });
    const checked = await failoverProvider.check!({} as FailoverInputs, news);
    // A refusal fails check (preview and up stop there): the reason is on `state`.
    const planned = (checked.failures ?? []).map((f) => `${f.property}: ${f.reason}`).join(" ");
    rec.see(`preview: ${planned}`);
    const up = await failoverProvider.create(wire(news)).then(
      () => "succeeded",
      (err: Error) => err.message.split("\n")[0],
    );
    rec.see(`up: ${up}`);
    const after = await requestTotals();
    expect(planned).toMatch(/^state: Refused: .*link no-such-link does not exist/);
    expect(up).toMatch(/link no-such-link does not exist/);
    expect(after.changing).toBe(before.changing);
  });

  test("ReplicationFailover state: recovering on an active/active link (it has no recovery phase)", async () => {
    const rec = record("ReplicationFailover state: recovering on an active/active link (it has no recovery phase)", "check fails naming state and the reason; no changing request");
    const before = await requestTotals();
    const news = failover((i) => {
      i.link = "link-aa";
      i.state = "recovering";
    });
    const checked = await failoverProvider.check!({} as FailoverInputs, news);
    const failure = checked.failures?.[0];
    rec.see(`check: ${failure?.property}: ${(failure?.reason ?? "").slice(0, 300)}`);
    const after = await requestTotals();
    expect(checked.failures).toHaveLength(1);
    expect(failure?.property).toBe("state");
    expect(failure?.reason).toMatch(/^link link-aa is active\/active, and state "recovering" belongs to the active\/passive workflows: an active\/active link has no recovery phase/);
    expect(after.changing).toBe(before.changing);
    expect((await sim.link(REPLICA, "link-aa"))?.phase).toBe("replicating");
  });
});
