/**
 * Malformed MAPI responses: a proxy between the provider and one simulated system replaces chosen answers
 * with bad JSON or XML, bodies missing required fields, unknown status messages, or swallows an action.
 * Each must end in a clear error (or refusal) that names the problem: never a crash (a TypeError, an
 * unhandled rejection) and never a wrong step (an action the real state does not call for, or a repeat).
 */
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import { provider as trustProvider } from "../../provider/resources/certificateTrustProvider";
import type { FailoverInputs, FailoverOutputs, FailoverState } from "../../provider/resources/replicationFailover";
import type { TrustInputs, TrustOutputs } from "../../provider/resources/replicationCertificateTrust";
import type { SystemConnection } from "../../provider/resources/system";
import { CheckFailedError, installRuntimeHooks, previewResources, ResourceState, upResources } from "./support/providerStack";
import { startProxy, type MitmProxy, type Mutation, type ProxiedRequest, type Upstream } from "./support/proxy";
import { PRIMARY, REPLICA, simConfig, startSim, type Sim } from "./support/sim";
import { recorder } from "./support/results";

const record = recorder(__filename);
let sim: Sim;
const proxies: Record<string, MitmProxy> = {};
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  installRuntimeHooks();
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
  process.on("unhandledRejection", onUnhandled);
  sim = await startSim(simConfig({ timeSpeed: 1, tickMs: 50, replicationRate: { objectsPerSecond: 2 } }));
  for (const name of [PRIMARY, REPLICA]) proxies[name] = await startProxy(sim.conn(name).endpoint, sim.ca);
}, 60_000);
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await Promise.all(Object.values(proxies).map((p) => p.close()));
  await sim?.stop();
});
beforeEach(async () => {
  Object.values(proxies).forEach((p) => p.mutate(undefined));
  await sim.reset();
});

/** A connection through the proxy of `name`. */
const via = (name: string): SystemConnection => ({ ...sim.conn(name), endpoint: proxies[name].endpoint, caCertificate: proxies[name].ca });

const failoverInputs = (state: FailoverState, extra: Partial<FailoverInputs> = {}): FailoverInputs => ({
  link: "link-ab",
  primary: via(PRIMARY),
  replica: via(REPLICA),
  state,
  pollIntervalSeconds: 1,
  waitTimeoutSeconds: 5,
  completeRecoveryWhenBehindSeconds: 1800,
  ...extra,
});

const isFailOver = (r: ProxiedRequest) => r.method === "POST" && r.url.endsWith("?failOver");
const isLinkRead = (r: ProxiedRequest) => r.method === "GET" && /\/links\/link-ab(\?verbose=true)?$/.test(r.url);
const json = (body: unknown) => ({ headers: { "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
/** Rewrites the JSON of a link read; other requests pass. `when` limits it to answers in a given state. */
function editLink(edit: (link: Record<string, unknown>) => unknown, when: (link: Record<string, unknown>) => boolean = () => true): Mutation {
  return {
    respond: (req, up) => {
      if (!isLinkRead(req) || !up || up.status !== 200) return undefined;
      const link = JSON.parse(up.body) as Record<string, unknown>;
      if (!when(link)) return undefined;
      const edited = edit(link);
      return json(edited === undefined ? link : edited);
    },
  };
}
const replaceLink = (reply: (up: Upstream) => { headers?: Record<string, string>; body: string; status?: number }): Mutation => ({
  respond: (req, up) => (isLinkRead(req) && up && up.status === 200 ? reply(up) : undefined),
});
/** A link read during data recovery, from either side. */
const recovering = (link: Record<string, unknown>) => link.statusMessage === "Recovering data" || link.statusMessage === "Receiving data";

/** Actions each system accepted (event log), e.g. `{ "hcp-b failOver": 1 }`. */
async function acceptedActions(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of [PRIMARY, REPLICA]) {
    for (const e of await sim.sc.events(s)) {
      const m = /^Link '[^']+': (\w+) (requested|run automatically) on /.exec(e.message);
      if (m) out[`${s} ${m[1]}`] = (out[`${s} ${m[1]}`] ?? 0) + 1;
    }
  }
  return out;
}

const CRASH = /TypeError|ReferenceError|RangeError|SyntaxError|Cannot read propert|undefined is not|is not a function|is not iterable/;

type Scenario = "failover" | "recovery" | "wait";
interface MalformedCase {
  title: string;
  scenario: Scenario;
  /** The systems whose answers are replaced. */
  side: Array<typeof PRIMARY | typeof REPLICA>;
  mutation: Mutation;
  /** What the error (or refusal) must say. */
  says: RegExp;
}

const CASES: MalformedCase[] = [
  { title: "link read: truncated JSON", scenario: "failover", side: [REPLICA], mutation: replaceLink((up) => json(up.body.slice(0, 40))), says: /Malformed response from GET .*links\/link-ab.*not valid JSON/ },
  { title: "link read: malformed XML", scenario: "failover", side: [REPLICA], mutation: replaceLink(() => ({ headers: { "Content-Type": "application/xml" }, body: "<link><name>link-ab</name><type>INBOUND</type>" })), says: /Malformed response from GET .*not well-formed XML/ },
  { title: "link read: 200 with an empty body", scenario: "failover", side: [REPLICA], mutation: replaceLink(() => ({ body: "" })), says: /Malformed response from GET .*empty body/ },
  { title: "link read: an HTML sign-in page with 200", scenario: "failover", side: [REPLICA], mutation: replaceLink(() => ({ headers: { "Content-Type": "text/html" }, body: "<html><body><h1>Sign in</h1></body></html>" })), says: /Malformed response from GET .*(html|neither XML nor JSON)/i },
  { title: "link read: a list instead of an object", scenario: "failover", side: [REPLICA], mutation: replaceLink(() => json([])), says: /Malformed response from GET .*expected an object for link/ },
  { title: "link read: missing field type", scenario: "failover", side: [REPLICA], mutation: editLink((l) => void delete l.type), says: /missing field link\.type/ },
  { title: "link read: missing field connection", scenario: "failover", side: [REPLICA], mutation: editLink((l) => void delete l.connection), says: /missing field link\.connection/ },
  { title: "link read: unknown link type", scenario: "failover", side: [REPLICA], mutation: editLink((l) => void (l.type = "SIDEWAYS")), says: /link\.type.*SIDEWAYS|SIDEWAYS.*link\.type/ },
  { title: "link read: no statusMessage", scenario: "failover", side: [REPLICA], mutation: editLink((l) => void delete l.statusMessage), says: /no statusMessage/ },
  { title: "link read: unknown statusMessage", scenario: "failover", side: [REPLICA], mutation: editLink((l) => void (l.statusMessage = "Quantum link decoherence")), says: /"Quantum link decoherence"/ },
  { title: "link read: statusMessage of the wrong type", scenario: "failover", side: [REPLICA], mutation: editLink((l) => void (l.statusMessage = { text: "Receiving data" })), says: /statusMessage/ },
  { title: "link read: suspended is not a boolean", scenario: "failover", side: [REPLICA], mutation: editLink((l) => void (l.suspended = "perhaps")), says: /link\.suspended/ },
  { title: "primary link read: a sign-in page with 200 during a failover (the primary runs and may serve: not a dead primary)", scenario: "failover", side: [PRIMARY], mutation: replaceLink(() => ({ headers: { "Content-Type": "text/html" }, body: "<html><body><h1>Sign in</h1></body></html>" })), says: /hcp-a \(primary\) answers, but its answer cannot be read \(Malformed response from GET .*acceptDataLoss/s },
  { title: "primary link read: invalid JSON during recovery", scenario: "recovery", side: [PRIMARY], mutation: replaceLink(() => json("{ not json")), says: /hcp-a \(primary\) cannot be reached \(Malformed response from GET .*not valid JSON/ },
  { title: "primary link read: unknown statusMessage during recovery", scenario: "recovery", side: [PRIMARY], mutation: editLink((l) => void (l.statusMessage = "Exploded")), says: /"Exploded"/ },
  { title: "replica statistics: objectsPending not a number while waiting (step 8)", scenario: "wait", side: [REPLICA], mutation: editLink((l) => void ((l.statistics as Record<string, unknown>).objectsPending = "lots"), recovering), says: /objectsPending/ },
  { title: "statistics missing on both systems while waiting (step 8)", scenario: "wait", side: [PRIMARY, REPLICA], mutation: editLink((l) => void delete l.statistics, recovering), says: /Timed out .*step 7 \(Wait until data recovery/ },
  { title: "replica link read: unknown statusMessage while waiting (step 8)", scenario: "wait", side: [REPLICA], mutation: editLink((l) => void (l.statusMessage = "Recovering sideways"), recovering), says: /"Recovering sideways"/ },
  {
    title: "failOver answered 500 without X-HCP-ErrorMessage (not applied)",
    scenario: "failover",
    side: [REPLICA],
    mutation: { intercept: isFailOver, respond: (req) => (isFailOver(req) ? { status: 500 } : undefined) },
    says: /HTTP 500 from POST .*\?failOver/,
  },
];

async function prepare(scenario: Scenario, res: ResourceState<FailoverInputs, FailoverOutputs>): Promise<void> {
  const created = await upResources([[res as never, failoverInputs("replicating")]]);
  if (!created.ok) throw new Error(`setup: create failed: ${created.error?.message}`);
  if (scenario === "failover") return;
  const failedOver = await upResources([[res as never, failoverInputs("failedOver")]]);
  if (!failedOver.ok) throw new Error(`setup: failover failed: ${failedOver.error?.message}`);
  if (scenario === "wait") {
    for (let i = 0; i < 4; i++) await sim.sc.putObject(REPLICA, "finance", `early-${i}.txt`, "early");
    await sim.advanceClock(2 * 3600 * 1000); // the early objects are two hours behind: step 8 waits for them
    for (let i = 0; i < 8; i++) await sim.sc.putObject(REPLICA, "finance", `late-${i}.txt`, "late");
  }
}

/** What must not have happened in a scenario: the action past the malformed read. */
const NOT_ACCEPTED: Record<Scenario, string> = { failover: `${REPLICA} failOver`, recovery: `${REPLICA} beginRecovery`, wait: `${REPLICA} completeRecovery` };

describe("Malformed MAPI responses", () => {
  test.each(CASES)("$title", async (c) => {
    const rec = record(c.title, `clear error matching ${c.says}; no crash; ${NOT_ACCEPTED[c.scenario].split(" ")[1]} not run`);
    const res = new ResourceState<FailoverInputs, FailoverOutputs>("failover", failoverProvider);
    await prepare(c.scenario, res);
    const target: FailoverState = c.scenario === "failover" ? "failedOver" : "replicating";
    const before = await acceptedActions();
    const unhandledBefore = unhandled.length;
    c.side.forEach((s) => proxies[s].mutate(c.mutation));

    // Preview must not crash; it shows a refusal or the plan.
    let previewText: string;
    try {
      const preview = await previewResources([[res as never, failoverInputs(target)]]);
      previewText = ((preview.checked[0] as FailoverInputs).plannedSteps ?? []).join(" | ");
    } catch (err) {
      // A refusal fails preview as a check failure on `state`: that is the refusal shown, not a crash.
      const refusal = err instanceof CheckFailedError && err.failures.every((f) => f.property === "state" && f.reason.startsWith("Refused: "));
      previewText = refusal ? err.message : `preview threw: ${(err as Error).message}`;
    }
    rec.see(`preview: ${previewText.slice(0, 300)}`);

    const up = await upResources([[res as never, failoverInputs(target)]]);
    const message = up.error?.message ?? "";
    rec.see(`up: ${up.ok ? "succeeded" : message.split("\n")[0].slice(0, 400)}`);
    c.side.forEach((s) => proxies[s].mutate(undefined));
    const after = await acceptedActions();
    const newlyAccepted = Object.entries(after)
      .filter(([k, n]) => n > (before[k] ?? 0))
      .map(([k, n]) => `${k} x${n - (before[k] ?? 0)}`);
    rec.see(`actions accepted meanwhile: ${newlyAccepted.join(", ") || "none"}`);

    expect(previewText).not.toMatch(/^preview threw/);
    expect(previewText).not.toMatch(CRASH);
    expect(up.ok).toBe(false);
    expect(message).toMatch(c.says);
    expect(message).not.toMatch(CRASH);
    expect(up.error?.constructor.name).not.toMatch(/^(TypeError|ReferenceError|RangeError|SyntaxError)$/);
    expect(after[NOT_ACCEPTED[c.scenario]] ?? 0).toBe(before[NOT_ACCEPTED[c.scenario]] ?? 0);
    expect(unhandled.length).toBe(unhandledBefore);
  }, 60_000);

  test("failOver answered 200 but never applied: reported as without effect within a bound, never sent twice", async () => {
    const title = "failOver answered 200 but never applied: reported as without effect within a bound, never sent twice";
    const rec = record(title, "stops saying failOver was accepted without effect; exactly one failOver request");
    const res = new ResourceState<FailoverInputs, FailoverOutputs>("failover", failoverProvider);
    await prepare("failover", res);
    proxies[REPLICA].mutate({ intercept: isFailOver, respond: (req) => (isFailOver(req) ? { status: 200 } : undefined) });
    const seenBefore = proxies[REPLICA].seen.length;
    const up = await upResources([[res as never, failoverInputs("failedOver", { waitTimeoutSeconds: 4 })]]);
    proxies[REPLICA].mutate(undefined);
    const posts = proxies[REPLICA].seen.slice(seenBefore).filter((r) => r.method === "POST" && r.url.endsWith("?failOver")).length;
    rec.see(`up: ${(up.error?.message ?? "succeeded").split("\n")[0].slice(0, 300)}`);
    rec.see(`failOver requests sent: ${posts}; phase on ${REPLICA}: ${(await sim.link(REPLICA))?.phase}`);
    expect(up.ok).toBe(false);
    expect(up.error?.message).toMatch(/^Step 1 .*accepted \?failOver \(HTTP 200\), but link link-ab stayed in phase replicating for 4 s: the action had no effect/);
    expect(posts).toBe(1);
    expect((await sim.link(REPLICA))?.phase).toBe("replicating");
  });

  test("server certificate that is not PEM: ReplicationCertificateTrust fails clearly", async () => {
    const title = "server certificate that is not PEM: ReplicationCertificateTrust fails clearly";
    const rec = record(title, "create fails naming the system and the missing PEM; nothing uploaded");
    proxies[PRIMARY].mutate({ respond: (req) => (req.method === "GET" && req.url.endsWith("/certificates/server") ? { headers: { "Content-Type": "text/plain" }, body: "certificate unavailable" } : undefined) });
    const res = new ResourceState<TrustInputs, TrustOutputs>("replica-trusts-primary", trustProvider);
    const before = await sim.sc.changingRequests(REPLICA);
    const up = await upResources([[res as never, { certificateOf: via(PRIMARY), trustedBy: via(REPLICA) }]]);
    rec.see(`up: ${(up.error?.message ?? "succeeded").slice(0, 300)}`);
    expect(up.ok).toBe(false);
    expect(up.error?.message).toMatch(/cannot read the replication server certificate of hcp-a: Malformed response .*no PEM certificate/);
    expect(up.error?.message).not.toMatch(CRASH);
    expect(await sim.sc.changingRequests(REPLICA)).toBe(before);
  });

  test("certificate list that is not JSON: ReplicationCertificateTrust fails clearly", async () => {
    const title = "certificate list that is not JSON: ReplicationCertificateTrust fails clearly";
    const rec = record(title, "create fails with a clear error; nothing uploaded");
    proxies[REPLICA].mutate({ respond: (req) => (req.method === "GET" && /\/certificates$/.test(req.url) ? json("{ certificates: [") : undefined) });
    const res = new ResourceState<TrustInputs, TrustOutputs>("replica-trusts-primary", trustProvider);
    const before = await sim.sc.changingRequests(REPLICA);
    const up = await upResources([[res as never, { certificateOf: via(PRIMARY), trustedBy: via(REPLICA) }]]);
    rec.see(`up: ${(up.error?.message ?? "succeeded").slice(0, 300)}`);
    expect(up.ok).toBe(false);
    expect(up.error?.message).toMatch(/Malformed response from GET .*\/certificates.*not valid JSON/);
    expect(up.error?.message).not.toMatch(CRASH);
    expect(await sim.sc.changingRequests(REPLICA)).toBe(before);
  });

  test("unknown extra fields in a link read are ignored (control case)", async () => {
    const title = "unknown extra fields in a link read are ignored (control case)";
    const rec = record(title, "failover works; extra fields do not disturb it");
    const res = new ResourceState<FailoverInputs, FailoverOutputs>("failover", failoverProvider);
    await prepare("failover", res);
    proxies[REPLICA].mutate(editLink((l) => void Object.assign(l, { futureField: { nested: [1, 2, 3] }, anotherOne: "x" })));
    const up = await upResources([[res as never, failoverInputs("failedOver")]]);
    rec.see(`up: ${up.ok ? "succeeded" : up.error?.message.split("\n")[0]}; phase ${res.outputs?.phase}`);
    expect(up.ok).toBe(true);
    expect(res.outputs).toMatchObject({ phase: "failedOver", activeSystem: "replica" });
  });
});
