/**
 * Bad inputs fail in `check`, naming the property and the allowed values, before any API call: the
 * simulator answers no MAPI request at all while these checks run.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import { provider as linkProvider } from "../../provider/resources/linkProvider";
import { provider as trustProvider } from "../../provider/resources/certificateTrustProvider";
import type { FailoverInputs } from "../../provider/resources/replicationFailover";
import type { LinkInputs } from "../../provider/resources/replicationLink";
import type { TrustInputs } from "../../provider/resources/replicationCertificateTrust";
import { captureLogs, changing, Env, LINK, LogCapture, PRIMARY, REPLICA, startEnv, totals, wire } from "./helpers";

let env: Env;
let logs: LogCapture;
let checksRun = 0;

beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
});
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const failover = (change: (i: FailoverInputs) => void): FailoverInputs => {
  const inputs = wire<FailoverInputs>({ link: LINK, primary: env.a, replica: env.b, state: "replicating" });
  change(inputs);
  return inputs;
};

const link = (change: (i: LinkInputs) => void): LinkInputs => {
  const inputs = wire<LinkInputs>({ primary: env.a, replica: env.b, linkName: LINK, type: "ACTIVE_PASSIVE", remoteHost: "hcp-b.example.com" });
  change(inputs);
  return inputs;
};

/** Runs check and expects exactly `failures`, with no MAPI request reaching either system. */
async function expectFailures<I>(provider: Pick<dynamic.ResourceProvider<I, never>, "check">, news: I, failures: dynamic.CheckFailure[]): Promise<void> {
  const requestsBefore = await totals(env.sc);
  const changingBefore = await changing(env.sc);
  const result = await provider.check!({} as I, news);
  checksRun++;
  expect(result.failures).toEqual(failures);
  expect(result.inputs).toBeUndefined();
  expect(await totals(env.sc)).toEqual(requestsBefore);
  expect(await changing(env.sc)).toEqual(changingBefore);
  expect(JSON.stringify(result)).not.toContain(env.a.password);
}

describe("ReplicationFailover", () => {
  test.each<[string, (i: FailoverInputs) => void, dynamic.CheckFailure[]]>([
    [
      "wrong state",
      (i) => ((i as { state: string }).state = "failover"),
      [{ property: "state", reason: 'state must be one of "replicating", "failedOver", "recovering", "suspended"; got "failover"' }],
    ],
    ["empty link", (i) => (i.link = ""), [{ property: "link", reason: "link is required and must be a non-empty string" }]],
    [
      "http:// endpoint",
      (i) => (i.primary.endpoint = i.primary.endpoint.replace("https:", "http:")),
      [{ property: "primary.endpoint", reason: 'primary.endpoint must use https (MAPI is HTTPS only); got "http"' }],
    ],
    [
      "missing password",
      (i) => delete (i.replica as { password?: string }).password,
      [{ property: "replica.password", reason: "replica.password is required (pass it as a Pulumi secret, e.g. config.requireSecret(...))" }],
    ],
    [
      "bad authType",
      (i) => ((i.primary as { authType?: string }).authType = "kerberos"),
      [{ property: "primary.authType", reason: 'primary.authType must be one of "local", "ad"; got "kerberos"' }],
    ],
    [
      "negative waitTimeoutSeconds",
      (i) => (i.waitTimeoutSeconds = -5),
      [{ property: "waitTimeoutSeconds", reason: "waitTimeoutSeconds must be a whole number from 1 to 604800; got -5" }],
    ],
    [
      "negative maxDataLossSeconds",
      (i) => (i.maxDataLossSeconds = -1),
      [{ property: "maxDataLossSeconds", reason: "maxDataLossSeconds must be a whole number from 0 to 604800; got -1" }],
    ],
    [
      "acceptDataLoss without its reason",
      (i) => (i.acceptDataLoss = true),
      [{ property: "acceptDataLossReason", reason: "acceptDataLossReason is required with acceptDataLoss: true (it is recorded in executedSteps)" }],
    ],
    [
      "acceptDataLossReason without acceptDataLoss",
      (i) => (i.acceptDataLossReason = "maintenance"),
      [{ property: "acceptDataLossReason", reason: "acceptDataLossReason applies only with acceptDataLoss: true" }],
    ],
    [
      "an empty acceptDataLossReason",
      (i) => ((i.acceptDataLoss = true), (i.acceptDataLossReason = " ")),
      [{ property: "acceptDataLossReason", reason: 'acceptDataLossReason must be a text of 1 to 500 characters saying why data may be left behind; got " "' }],
    ],
    [
      "the same system twice",
      (i) => (i.replica.endpoint = i.primary.endpoint),
      [{ property: "replica", reason: expect.stringMatching(/^primary and replica must be different systems; both are https:\/\/127\.0\.0\.1:\d+$/) }],
    ],
  ])("%s", async (_name, change, failures) => {
    await expectFailures(failoverProvider, failover(change), failures);
  });

  test("several bad inputs are all reported at once", async () => {
    const result = await failoverProvider.check!(
      {} as FailoverInputs,
      failover((i) => {
        (i as { state: string }).state = "active";
        i.pollIntervalSeconds = 0;
        i.dnsFailover = "yes" as unknown as boolean;
      }),
    );
    expect(result.failures?.map((f) => f.property)).toEqual(["state", "dnsFailover", "pollIntervalSeconds"]);
  });
});

describe("ReplicationLink", () => {
  test.each<[string, (i: LinkInputs) => void, dynamic.CheckFailure[]]>([
    [
      "unknown link type",
      (i) => ((i as { type: string }).type = "OUTBOUND"),
      [{ property: "type", reason: 'type must be one of "ACTIVE_PASSIVE", "ACTIVE_ACTIVE"; got "OUTBOUND"' }],
    ],
    [
      "recovery settings on an active/active link",
      (i) => ((i.type = "ACTIVE_ACTIVE"), (i.failoverSettings = { local: { autoCompleteRecovery: true } })),
      [
        {
          property: "failoverSettings.local.autoCompleteRecovery",
          reason: "failoverSettings.local.autoCompleteRecovery applies to active/passive links only; an active/active link has autoFailover and autoFailoverMinutes on each side",
        },
      ],
    ],
    [
      "bad priority",
      (i) => ((i as { priority?: string }).priority = "FASTEST"),
      [{ property: "priority", reason: 'priority must be one of "OLDEST_FIRST", "FAIR"; got "FASTEST"' }],
    ],
    [
      "autoFailoverMinutes below 7",
      (i) => (i.failoverSettings = { local: { autoFailover: true, autoFailoverMinutes: 6 } }),
      [{ property: "failoverSettings.local.autoFailoverMinutes", reason: "failoverSettings.local.autoFailoverMinutes must be a whole number from 7 to 9999; got 6" }],
    ],
    [
      "autoFailoverMinutes above 9999",
      (i) => (i.failoverSettings = { remote: { autoFailoverMinutes: 10000 } }),
      [{ property: "failoverSettings.remote.autoFailoverMinutes", reason: "failoverSettings.remote.autoFailoverMinutes must be a whole number from 7 to 9999; got 10000" }],
    ],
    [
      "duplicate tenants (HCP names ignore case)",
      (i) => (i.tenants = ["finance", "media", "Finance"]),
      [{ property: "tenants[2]", reason: 'tenants[2] repeats "Finance"' }],
    ],
    ["empty linkName", (i) => (i.linkName = " "), [{ property: "linkName", reason: "linkName is required and must be a non-empty string" }]],
  ])("%s", async (_name, change, failures) => {
    await expectFailures(linkProvider, link(change), failures);
  });
});

describe("ReplicationCertificateTrust", () => {
  test("a system trusting itself", async () => {
    await expectFailures<TrustInputs>(trustProvider, wire({ certificateOf: env.a, trustedBy: env.a }), [
      { property: "trustedBy", reason: `certificateOf and trustedBy must be different systems; both are ${env.a.endpoint}` },
    ]);
  });
});

test("no MAPI request reached either system during all these checks", async () => {
  expect(checksRun).toBe(19);
  expect(await totals(env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
});

describe("endpoints that carry credentials", () => {
  it("are refused without echoing the user information", () => {
    const { Checks, redactUserInfo } = require("../../provider/resources/validate") as typeof import("../../provider/resources/validate");
    for (const endpoint of ["https://admin:Leaky-Secret-1@127.0.0.1:99999", "https://admin:Leaky-Secret-1@127.0.0.1:9090", "http://admin:Leaky-Secret-1@h/x"]) {
      const c = new Checks();
      c.endpoint("primary.endpoint", endpoint);
      expect(c.failures).toHaveLength(1);
      expect(c.failures[0].property).toBe("primary.endpoint");
      expect(JSON.stringify(c.failures)).not.toContain("Leaky-Secret-1");
    }
    expect(redactUserInfo("https://u:p@host:1/")).toBe("https://***@host:1/");
  });
});
