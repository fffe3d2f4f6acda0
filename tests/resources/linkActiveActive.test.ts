/**
 * ReplicationLink with type ACTIVE_ACTIVE against the simulator over HTTPS: adopting and creating such a
 * link, failover settings for both sides, config changes on the survivor while failed over, converting an
 * active/passive link (suspended by HCP, then resumed, also across a failed resume), and the refusals.
 */
import { MapiClient } from "../../provider/mapi/client";
import { provider } from "../../provider/resources/linkProvider";
import type { LinkInputs, LinkOutputs } from "../../provider/resources/replicationLink";
import { actionRoute, changing, Driver, expectPartialState, LINK, MAPI, PRIMARY, REPLICA, routeCount, useProviderSuite } from "./helpers";
import { defaultConfig } from "../../simulator";

const AA = "link-aa";
const t = useProviderSuite(() => ({
  links: [
    ...(defaultConfig().links ?? []),
    { name: AA, primary: PRIMARY, replica: REPLICA, type: "ACTIVE_ACTIVE", tenants: ["shared"], exchangeCertificates: true },
  ],
}));

const declare = (extra: Partial<LinkInputs> = {}): LinkInputs => ({
  primary: t.env.a,
  replica: t.env.b,
  linkName: AA,
  type: "ACTIVE_ACTIVE",
  remoteHost: "hcp-b.example.com",
  tenants: ["shared"],
  ...extra,
});
const declareAP = (extra: Partial<LinkInputs> = {}): LinkInputs =>
  declare({ linkName: LINK, type: "ACTIVE_PASSIVE", tenants: ["finance", "media"], ...extra });

const link = () => new Driver<LinkInputs, LinkOutputs>(provider);
const MODIFY = `POST ${MAPI}/links/{link}`;

test("adopts an active/active link without a changing request, then no diff", async () => {
  const d = link();
  const created = await d.up(declare());
  expect(created.checked.liveDrift).toEqual([]);
  expect(created.outs).toMatchObject({ authoritativeSide: "primary", type: "ACTIVE_ACTIVE" });
  expect(created.outs.linkId).toMatch(/\S/);
  expect((await d.preview(declare())).diff?.changes).toBe(false);
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
});

test("failover settings for both sides are set on the primary; the replica sees them mirrored", async () => {
  const d = link();
  await d.up(declare());
  const failoverSettings = { local: { autoFailover: true, autoFailoverMinutes: 30 }, remote: { autoFailover: true, autoFailoverMinutes: 60 } };
  const changed = await d.up(declare({ failoverSettings }));
  expect(changed.checked.liveDrift).toEqual([`4. failoverSettings -> ${JSON.stringify(failoverSettings)} on hcp-a (primary)`]);
  expect((await t.env.mapi(PRIMARY).getLink(AA))?.failoverSettings).toEqual(failoverSettings);
  expect((await t.env.mapi(REPLICA).getLink(AA))?.failoverSettings).toEqual({ local: failoverSettings.remote, remote: failoverSettings.local });
  expect((await d.preview(declare({ failoverSettings }))).diff?.changes).toBe(false);
});

test("check refuses the recovery settings on an active/active link, naming the field, before any request", async () => {
  const result = await link().checkRaw(declare({ failoverSettings: { remote: { autoFailover: true, autoCompleteRecoveryMinutes: 10 } } }));
  expect(result.failures).toEqual([
    {
      property: "failoverSettings.remote.autoCompleteRecoveryMinutes",
      reason: "failoverSettings.remote.autoCompleteRecoveryMinutes applies to active/passive links only; an active/active link has autoFailover and autoFailoverMinutes on each side",
    },
  ]);
  expect(await t.env.sc.requestCounts(PRIMARY)).toMatchObject({ total: 0 });
});

test("while failed over to B with A down, changes go to B (the survivor); with both back, to A", async () => {
  const d = link();
  await d.up(declare());
  await t.env.sc.takeDown(PRIMARY);
  await t.env.mapi(REPLICA).runLinkAction(AA, "failOver");
  const onSurvivor = await d.up(declare({ compression: true }));
  expect(onSurvivor.checked.liveDrift).toEqual(["4. compression: false -> true on hcp-b (replica)"]);
  expect(onSurvivor.outs).toMatchObject({ authoritativeSide: "replica", linkId: "" });
  expect(await routeCount(t.env.sc, REPLICA, MODIFY)).toBe(1);

  await t.env.sc.bringUp(PRIMARY);
  expect(await t.env.mapi(PRIMARY).getLink(AA, { verbose: true })).toMatchObject({ statusMessage: "Failed over", compression: true });
  const both = await d.up(declare({ compression: true, priority: "FAIR" }));
  expect(both.checked.liveDrift).toEqual(["4. priority: OLDEST_FIRST -> FAIR on hcp-a (primary)"]);
  expect(await t.env.mapi(REPLICA).getLink(AA)).toMatchObject({ priority: "FAIR" });
});

test("creates an active/active link on the primary (ACTIVE_ACTIVE on both systems)", async () => {
  await t.env.mapi(PRIMARY).runLinkAction(AA, "suspend");
  await t.env.mapi(PRIMARY).deleteLink(AA);
  const created = await link().up(declare({ failoverSettings: { local: { autoFailover: true, autoFailoverMinutes: 15 } } }));
  expect(created.checked.liveDrift).toEqual([`create link ${AA} on hcp-a`]);
  expect(await routeCount(t.env.sc, PRIMARY, `PUT ${MAPI}/links`)).toBe(1);
  expect(await t.env.mapi(PRIMARY).getLink(AA, { verbose: true })).toMatchObject({ type: "ACTIVE_ACTIVE", statusMessage: "Synchronizing data" });
  expect(await t.env.mapi(REPLICA).getLink(AA)).toMatchObject({ type: "ACTIVE_ACTIVE", failoverSettings: { remote: { autoFailover: true, autoFailoverMinutes: 15 } } });
  expect((await t.env.mapi(REPLICA).getLinkContent(AA)).tenants).toEqual(["shared"]);
});

test("active/passive declared active/active: preview shows it, up converts and resumes on both, recorded", async () => {
  const d = link();
  await d.up(declareAP());
  const preview = await d.preview(declareAP({ type: "ACTIVE_ACTIVE" }));
  expect(preview.checked.liveDrift).toEqual([
    "4. type: ACTIVE_PASSIVE -> ACTIVE_ACTIVE on hcp-a (primary); HCP suspends the link, which is then resumed on hcp-a and hcp-b",
  ]);
  expect(preview.diff?.changes).toBe(true);
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });

  const up = await d.up(declareAP({ type: "ACTIVE_ACTIVE" }));
  expect(up.outs.typeConversion).toMatchObject({ from: "ACTIVE_PASSIVE", to: "ACTIVE_ACTIVE", resumedOn: [PRIMARY, REPLICA], toResume: [] });
  expect(await routeCount(t.env.sc, PRIMARY, actionRoute("resume"))).toBe(1);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("resume"))).toBe(1);
  for (const system of [PRIMARY, REPLICA]) {
    expect(await t.env.mapi(system).getLink(LINK, { verbose: true })).toMatchObject({ type: "ACTIVE_ACTIVE", statusMessage: "Synchronizing data", suspended: false });
  }
  expect((await d.preview(declareAP({ type: "ACTIVE_ACTIVE" }))).diff?.changes).toBe(false);
});

test("a resume that fails after the conversion is kept in state and finished by the next up", async () => {
  const d = link();
  await d.up(declareAP());
  const original = MapiClient.prototype.runLinkAction;
  const spy = jest.spyOn(MapiClient.prototype, "runLinkAction").mockImplementationOnce(() => Promise.reject(new Error("connection reset")));
  try {
    const failed = await expectPartialState<LinkOutputs>(() => d.up(declareAP({ type: "ACTIVE_ACTIVE" })));
    expect(failed.message).toContain("the next `pulumi up` resumes link link-ab on hcp-a and hcp-b");
    expect(failed.properties.typeConversion).toMatchObject({ toResume: [PRIMARY, REPLICA], resumedOn: [] });
  } finally {
    spy.mockRestore();
  }
  expect(MapiClient.prototype.runLinkAction).toBe(original);
  expect(await t.env.mapi(PRIMARY).getLink(LINK, { verbose: true })).toMatchObject({ type: "ACTIVE_ACTIVE", suspended: true });
  const again = await d.up(declareAP({ type: "ACTIVE_ACTIVE" }));
  expect(again.operation).toBe("update");
  expect(again.outs.typeConversion).toMatchObject({ toResume: [], resumedOn: [PRIMARY, REPLICA] });
  expect(await t.env.mapi(REPLICA).getLink(LINK, { verbose: true })).toMatchObject({ statusMessage: "Synchronizing data" });
});

test("a side suspended by a person before the conversion stays suspended", async () => {
  const d = link();
  await d.up(declareAP());
  await t.env.mapi(REPLICA).runLinkAction(LINK, "suspend");
  const up = await d.up(declareAP({ type: "ACTIVE_ACTIVE" }));
  expect(up.outs.typeConversion).toMatchObject({ resumedOn: [PRIMARY], toResume: [] });
  expect(await t.env.mapi(REPLICA).getLink(LINK, { verbose: true })).toMatchObject({ suspended: true });
});

test("active/active declared active/passive is refused in check with the reason and the way forward", async () => {
  const result = await link().checkRaw(declare({ type: "ACTIVE_PASSIVE" }));
  expect(result.failures).toEqual([
    {
      property: "type",
      reason:
        'HCP cannot convert an active/active link to active/passive, so type "ACTIVE_PASSIVE" cannot be applied to link link-aa. ' +
        "Found: type ACTIVE_ACTIVE on hcp-a (primary) and type ACTIVE_ACTIVE on hcp-b (replica). " +
        'Expected: type "ACTIVE_ACTIVE" declared for link link-aa, as it is on the systems. ' +
        'Way forward: Declare type: "ACTIVE_ACTIVE". To replicate active/passive instead, create a new ACTIVE_PASSIVE link under another linkName ' +
        "(a tenant can be on the new link only once it is off this one), or delete this link first (suspend it, set allowDeletion: true, remove the resource).",
    },
  ]);
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
});

test("converting a failed-over active/passive link is refused; so is a link declared the other way round", async () => {
  await t.env.mapi(REPLICA).runLinkAction(LINK, "failOver");
  const failedOver = await link().checkRaw(declareAP({ type: "ACTIVE_ACTIVE" }));
  expect(failedOver.failures?.[0]?.property).toBe("type");
  expect(failedOver.failures?.[0]?.reason).toContain("can be converted to active/active only while it replicates from hcp-a to hcp-b");
  expect(failedOver.failures?.[0]?.reason).toContain("phase failedOver");

  const swapped = await link().checkRaw(declareAP({ primary: t.env.b, replica: t.env.a }));
  expect(swapped.failures?.[0]?.reason).toContain("HCP cannot reverse a link");
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 1 });
});
