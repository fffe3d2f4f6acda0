/**
 * ReplicationCertificateTrust's provider against the simulator over HTTPS: adopting a trust that already
 * holds, a rebuilt trusting system (check reports "missing", update uploads), a silent system (preview
 * does not fail), and deletion.
 */
import { provider } from "../../provider/resources/certificateTrustProvider";
import type { TrustInputs, TrustOutputs } from "../../provider/resources/replicationCertificateTrust";
import { changing, Driver, MAPI, PRIMARY, REPLICA, routeCount, useProviderSuite } from "./helpers";

const t = useProviderSuite();

interface Summary {
  serverCertificate: { subjectDN: string; fingerprintSha256: string; expiresOn: string };
  trustedCertificates: Array<{ id: string; subjectDN: string; fingerprintSha256: string }>;
}
const summary = async (name: string) => (await t.env.sc.state(name)) as unknown as Summary;
const hex = (fingerprint: string | undefined) => fingerprint?.replace(/:/g, "").toLowerCase();
/** The provider lists RDNs in certificate order, the system most specific first: compare the sets. */
const rdns = (dn: string | undefined) => (dn ?? "").split(", ").sort();

/** hcp-b trusts the replication server certificate of hcp-a. */
const bTrustsA = (): TrustInputs => ({ certificateOf: t.env.a, trustedBy: t.env.b });
const trust = () => new Driver<TrustInputs, TrustOutputs>(provider);
const UPLOAD = `PUT ${MAPI}/certificates`;

test("create when already trusted records the certificate without uploading it", async () => {
  const d = trust();
  const created = await d.up(bTrustsA());
  expect(created.operation).toBe("create");
  expect(created.checked.liveStatus).toBe("trusted");
  const a = (await summary(PRIMARY)).serverCertificate;
  const entry = (await summary(REPLICA)).trustedCertificates.find((c) => hex(c.fingerprintSha256) === hex(a.fingerprintSha256));
  expect(entry).toBeDefined();
  expect(created.outs).toMatchObject({ liveStatus: "trusted", certificateId: entry?.id });
  expect(rdns(created.outs.subjectDN)).toEqual(rdns(a.subjectDN));
  expect(rdns(created.outs.subjectDN)).toContain("CN=hcp-a.example.com");
  expect(hex(created.outs.fingerprintSha256)).toBe(hex(a.fingerprintSha256));
  expect(Date.parse(created.outs.expiresOn)).toBe(Date.parse(a.expiresOn));
  expect(d.id).toBe("hcp-b-trusts-hcp-a");
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
  expect((await d.preview(bTrustsA())).diff?.changes).toBe(false);
});

test("rebuilt trusting system: check reports missing (same certificate), update uploads it once", async () => {
  const d = trust();
  const created = await d.up(bTrustsA());
  await t.env.sc.rebuild(REPLICA);
  expect((await summary(REPLICA)).trustedCertificates).toEqual([]);

  const before = await changing(t.env.sc);
  const preview = await d.preview(bTrustsA());
  expect(preview.checked.liveStatus).toBe("missing");
  expect(preview.checked.liveFingerprintSha256).toBe(created.outs.fingerprintSha256);
  expect(preview.diff?.changes).toBe(true);
  expect(await changing(t.env.sc)).toEqual(before);

  const updated = await d.up(bTrustsA());
  expect(updated.operation).toBe("update");
  expect(await routeCount(t.env.sc, REPLICA, UPLOAD)).toBe(1);
  const trusted = (await summary(REPLICA)).trustedCertificates;
  expect(trusted.map((c) => c.id)).toEqual([updated.outs.certificateId]);
  expect(updated.outs).toMatchObject({ liveStatus: "trusted", fingerprintSha256: created.outs.fingerprintSha256 });
  expect((await d.preview(bTrustsA())).diff?.changes).toBe(false);
});

test("a silent certificate owner does not fail preview: status unknown, no diff", async () => {
  const d = trust();
  await d.up(bTrustsA());
  await t.env.sc.takeDown(PRIMARY);
  const preview = await d.preview(bTrustsA());
  expect(preview.checked.liveStatus).toBe("unknown");
  expect(preview.diff?.changes).toBe(false);
});

test("delete keeps a trust that was in place before the resource (other links may use it)", async () => {
  const d = trust();
  const created = await d.up(bTrustsA());
  expect((d.outputs as TrustOutputs).uploaded).toBe(false);
  await d.destroy();
  expect(await routeCount(t.env.sc, REPLICA, `DELETE ${MAPI}/certificates/{id}`)).toBe(0);
  expect((await summary(REPLICA)).trustedCertificates.map((c) => c.id)).toContain(created.outs.certificateId);
});

test("delete removes a certificate the resource uploaded; deleting it again is harmless", async () => {
  await t.env.sc.rebuild(REPLICA); // the trusting system forgets every trusted certificate
  const d = trust();
  const created = await d.up(bTrustsA());
  const outputs = d.outputs as TrustOutputs;
  expect(outputs.uploaded).toBe(true);
  await d.destroy();
  expect(await routeCount(t.env.sc, REPLICA, `DELETE ${MAPI}/certificates/{id}`)).toBe(1);
  expect((await summary(REPLICA)).trustedCertificates.map((c) => c.id)).not.toContain(created.outs.certificateId);
  await expect(provider.delete!("hcp-b-trusts-hcp-a", outputs)).resolves.toBeUndefined();
});
