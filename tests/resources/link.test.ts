/**
 * ReplicationLink's provider against the simulator over HTTPS: adopting the existing link, config
 * changes on the authoritative side (primary while replicating, replica while failed over), tenants,
 * the deletion guard, deletion, and creation.
 */
import { MapiClient } from "../../provider/mapi/client";
import { MapiHttpError } from "../../provider/mapi/errors";
import { provider } from "../../provider/resources/linkProvider";
import type { LinkInputs, LinkOutputs } from "../../provider/resources/replicationLink";
import { actionRoute, changing, Driver, LINK, MAPI, PRIMARY, REPLICA, routeCount, useProviderSuite } from "./helpers";
import { defaultConfig } from "../../simulator";

// hcp-a also has a tenant "legal" that is not on the link yet.
const t = useProviderSuite(() => ({ systems: (defaultConfig().systems ?? []).map((s) => (s.name === PRIMARY ? { ...s, tenants: ["legal"] } : s)) }));

const declare = (extra: Partial<LinkInputs> = {}): LinkInputs => ({
  primary: t.env.a,
  replica: t.env.b,
  linkName: LINK,
  type: "ACTIVE_PASSIVE",
  remoteHost: "hcp-b.example.com",
  tenants: ["finance", "media"],
  ...extra,
});

const link = () => new Driver<LinkInputs, LinkOutputs>(provider);
const MODIFY = `POST ${MAPI}/links/{link}`;
const TENANT = `${MAPI}/links/{link}/content/tenants/{tenant}`;
const CANDIDATES = `GET ${MAPI}/links/{link}/localCandidates`;

test("adopts the existing link: no drift, no changing request, linkId from the primary, then no diff", async () => {
  const live = await t.env.mapi(PRIMARY).getLink(LINK);
  const d = link();
  const created = await d.up(declare());
  expect(created.operation).toBe("create");
  expect(created.checked.liveDrift).toEqual([]);
  expect(created.outs).toMatchObject({ linkId: live?.id, authoritativeSide: "primary", liveDrift: [] });
  expect(created.outs.linkId).toMatch(/\S/);
  const preview = await d.preview(declare());
  expect(preview.diff?.changes).toBe(false);
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
});

test("config changes go to the primary while replicating and to the replica while failed over", async () => {
  const before = await t.env.mapi(PRIMARY).getLink(LINK);
  expect(before).toMatchObject({ compression: false, priority: "OLDEST_FIRST" });
  const d = link();
  await d.up(declare());

  const changed = await d.up(declare({ compression: true, priority: "FAIR" }));
  expect(changed.checked.liveDrift).toEqual(["4. compression: false -> true on hcp-a (primary)", "4. priority: OLDEST_FIRST -> FAIR on hcp-a (primary)"]);
  expect(changed.diff?.changes).toBe(true);
  expect(changed.operation).toBe("update");
  expect(changed.outs).toMatchObject({ authoritativeSide: "primary", compression: true, priority: "FAIR" });
  expect(await routeCount(t.env.sc, PRIMARY, MODIFY)).toBe(1);
  expect(await routeCount(t.env.sc, REPLICA, MODIFY)).toBe(0);
  expect(await t.env.mapi(PRIMARY).getLink(LINK)).toMatchObject({ compression: true, priority: "FAIR" });
  expect(await t.env.mapi(REPLICA).getLink(LINK)).toMatchObject({ compression: true, priority: "FAIR" });
  expect((await d.preview(declare({ compression: true, priority: "FAIR" }))).diff?.changes).toBe(false);

  // Failed over (out of band): the replica is authoritative.
  await t.env.mapi(REPLICA).runLinkAction(LINK, "failOver");
  const onReplica = await d.up(declare({ compression: true, priority: "OLDEST_FIRST" }));
  expect(onReplica.checked.liveDrift).toEqual(["4. priority: FAIR -> OLDEST_FIRST on hcp-b (replica)"]);
  expect(onReplica.outs).toMatchObject({ authoritativeSide: "replica", linkId: "" });
  expect(await routeCount(t.env.sc, REPLICA, MODIFY)).toBe(1);
  expect(await routeCount(t.env.sc, PRIMARY, MODIFY)).toBe(1);
  expect(await t.env.mapi(REPLICA).getLink(LINK)).toMatchObject({ priority: "OLDEST_FIRST", statusMessage: "Failed over" });
});

test("adds and removes tenants on the primary", async () => {
  const d = link();
  await d.up(declare());

  const added = await d.up(declare({ tenants: ["finance", "media", "legal"] }));
  expect(added.checked.liveDrift).toEqual(["4. add tenant legal on hcp-a (primary)"]);
  expect(await routeCount(t.env.sc, PRIMARY, `PUT ${TENANT}`)).toBe(1);
  expect((await t.env.mapi(PRIMARY).getLinkContent(LINK)).tenants).toEqual(["finance", "media", "legal"]);
  expect((await t.env.mapi(REPLICA).getLinkContent(LINK)).tenants).toEqual(["finance", "media", "legal"]);

  const removed = await d.up(declare({ tenants: ["finance", "legal"] }));
  expect(removed.checked.liveDrift).toEqual(["4. remove tenant media on hcp-a (primary)"]);
  expect(await routeCount(t.env.sc, PRIMARY, `DELETE ${TENANT}`)).toBe(1);
  expect((await t.env.mapi(PRIMARY).getLinkContent(LINK)).tenants).toEqual(["finance", "legal"]);
  expect((await d.preview(declare({ tenants: ["finance", "legal"] }))).diff?.changes).toBe(false);
});

test("check refuses a tenant the primary cannot add, naming tenants[2], before any changing request", async () => {
  const result = await link().checkRaw(declare({ tenants: ["finance", "media", "no-such-tenant"] }));
  expect(result.failures).toEqual([
    { property: "tenants[2]", reason: 'tenants[2] "no-such-tenant" is not on link link-ab and not eligible for it on hcp-a (primary); eligible tenants: legal' },
  ]);
  expect(result.inputs).toBeUndefined();
  expect(await routeCount(t.env.sc, PRIMARY, CANDIDATES)).toBe(1);
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
});

test("a candidate tenant passes check and shows as drift; names compare case-insensitively", async () => {
  const checked = await link().check(declare({ tenants: ["FINANCE", "media", "Legal"] }));
  expect(checked.liveDrift).toEqual(["4. add tenant Legal on hcp-a (primary)"]);
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
});

test("a check with nothing to add does not ask for candidates", async () => {
  const checked = await link().check(declare({ tenants: ["finance", "MEDIA"] }));
  expect(checked.liveDrift).toEqual([]);
  expect(await routeCount(t.env.sc, PRIMARY, CANDIDATES)).toBe(0);
});

test("candidates that cannot be read do not fail check: one warning, drift as before", async () => {
  const notFound = new MapiHttpError({ status: 404, method: "GET", url: "https://x/", path: "/", statusText: "Not Found" });
  const spy = jest.spyOn(MapiClient.prototype, "getLocalCandidates").mockRejectedValue(notFound);
  try {
    const checked = await link().check(declare({ tenants: ["finance", "media", "no-such-tenant"] }));
    expect(checked.liveDrift).toEqual(["4. add tenant no-such-tenant on hcp-a (primary)"]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(t.logs.lines.filter((l) => l.includes("cannot list the candidates of link link-ab on hcp-a"))).toHaveLength(1);
  } finally {
    spy.mockRestore();
  }
});

test("delete is refused without allowDeletion; with it the link is suspended, then deleted; its tenants cannot go to the same replica again", async () => {
  const d = link();
  await d.up(declare());
  await expect(d.destroy()).rejects.toThrow(
    "refusing to delete replication link link-ab: deleting it stops replication between hcp-a and hcp-b. " +
      "To delete it, set allowDeletion: true on the ReplicationLink, run `pulumi up`, then remove it; " +
      "to stop managing it without deleting, run `pulumi state delete` on its URN.",
  );
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
  expect(await t.env.mapi(PRIMARY).linkExists(LINK)).toBe(true);

  const allowed = await d.up(declare({ allowDeletion: true }));
  expect(allowed.operation).toBe("update");
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
  // Preview warns what deleting does beyond stopping replication (hcp-workflows.md 3c).
  expect(t.logs.text()).toMatch(/allowDeletion is set: .*tenants finance, media cannot be added to a new active\/passive link to hcp-b unless they are first deleted there/);
  await d.destroy();
  expect(await t.env.mapi(PRIMARY).linkExists(LINK)).toBe(false);
  expect(await t.env.mapi(REPLICA).linkExists(LINK)).toBe(false);
  // A link can be deleted only while it is suspended: suspended first, then deleted.
  expect(await routeCount(t.env.sc, PRIMARY, actionRoute("suspend"))).toBe(1);
  expect(await routeCount(t.env.sc, PRIMARY, `DELETE ${MAPI}/links/{link}`)).toBe(1);

  // The same tenants cannot go to the same replica on a new active/passive link (documented); the link itself can.
  const fresh = link();
  const refused = await fresh.up(declare({ compression: true })).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(refused?.message).toMatch(/Cannot add tenant 'finance' to link 'link-ab': it was replicated to hcp-b on a deleted link/);
  expect(await routeCount(t.env.sc, PRIMARY, `PUT ${MAPI}/links`)).toBe(1);
  expect(await t.env.mapi(PRIMARY).getLink(LINK)).toMatchObject({ type: "OUTBOUND", compression: true });
  expect(await t.env.mapi(REPLICA).getLink(LINK)).toMatchObject({ type: "INBOUND" });
  const bare = await link().up(declare({ compression: true, tenants: [] }));
  expect(bare.outs).toMatchObject({ authoritativeSide: "primary" });
  expect(bare.outs.linkId).toMatch(/\S/);
});

test("remoteHost as the documented comma-separated node IP addresses creates the link; a list with a name in it fails check naming remoteHost", async () => {
  const byIp = declare({ linkName: "link-ip", remoteHost: "10.0.2.1, 10.0.2.2", tenants: ["legal"] });
  const created = await link().up(byIp);
  expect(created.operation).toBe("create");
  expect(await t.env.mapi(PRIMARY).getLink("link-ip")).toMatchObject({ type: "OUTBOUND", connection: expect.objectContaining({ remoteHost: "10.0.2.1, 10.0.2.2" }) });
  expect(await t.env.mapi(REPLICA).getLink("link-ip")).toMatchObject({ type: "INBOUND" });

  const bad = await link().checkRaw(declare({ linkName: "link-bad", remoteHost: "10.0.2.1,hcp-b" }));
  expect(bad.failures).toEqual([expect.objectContaining({ property: "remoteHost", reason: expect.stringContaining("a comma-separated list of the IP addresses of its replication network's nodes") })]);
  expect(await routeCount(t.env.sc, PRIMARY, `PUT ${MAPI}/links`)).toBe(1);
});
