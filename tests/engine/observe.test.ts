import { findTrustedCertificate, observeSystems, type ObservingClient } from "../../provider/engine/observe";
import type { DeclaredState } from "../../provider/model/types";
import { trustToRead } from "../../provider/planner";

/** The planner's answer to "does the plan from these links call for reading trust?". */
const trustNeededFor = (declared: DeclaredState) => (links: Parameters<typeof trustToRead>[1]) =>
  trustToRead(declared, links, { dnsFailover: false, completeRecoveryWhenBehindSeconds: 300, linkName: "link-ab", primaryName: "hcp-a", replicaName: "hcp-b" });
import { MapiClient } from "../../provider/mapi/client";
import { MapiUnreachableError } from "../../provider/mapi/errors";
import { pemFacts } from "../../provider/mapi/pem";
import type { CertificateInfo, LinkView } from "../../provider/mapi/types";
import { makeCa, makeSelfSigned, makeServerCert, type Issued } from "../mapi/helpers/certs";
import { json, startServer, type Recorded, type Reply } from "../mapi/helpers/server";

const link = (type: LinkView["type"], statusMessage: string): LinkView => ({
  name: "link-ab",
  type,
  connection: { remoteHost: "peer" },
  compression: false,
  encryption: false,
  priority: "OLDEST_FIRST",
  failoverSettings: {},
  statusMessage,
});

function info(id: string, cert: Issued): CertificateInfo {
  const f = pemFacts(cert.certPem);
  return { id, subjectDN: f.subjectDN, validOn: f.validOn, expiresOn: f.expiresOn };
}

interface FakeSystem {
  link: LinkView | null;
  version: string;
  server: Issued;
  trusted: Record<string, Issued>;
  down?: boolean;
  certListFails?: boolean;
}

function fakeClient(sys: FakeSystem, calls: string[]): ObservingClient {
  const unreachable = () =>
    new MapiUnreachableError({ method: "GET", url: "https://hcp-a:9090/mapi/services/replication/links/link-ab?verbose=true", path: "/x", code: "ECONNREFUSED", causeMessage: "connect ECONNREFUSED 10.0.0.1:9090" });
  return {
    async getLink(name, opts) {
      calls.push(`getLink ${name} verbose=${String(opts?.verbose)}`);
      if (sys.down) throw unreachable();
      return sys.link;
    },
    async softwareVersion() {
      return sys.version;
    },
    async getServerCertificate() {
      calls.push("getServerCertificate");
      return sys.server.certPem;
    },
    async listCertificates() {
      calls.push("listCertificates");
      if (sys.certListFails) throw new Error("HTTP 403 from GET …/certificates: Permission denied");
      return [info("server", sys.server), ...Object.entries(sys.trusted).map(([id, c]) => info(id, c))];
    },
    async getCertificate(id) {
      calls.push(`getCertificate ${id}`);
      return sys.trusted[id].certPem;
    },
  };
}

let certA: Issued;
let certB: Issued;
let oldB: Issued;
let impostorB: Issued;

beforeAll(() => {
  certA = makeSelfSigned("hcp-a replication");
  certB = makeSelfSigned("hcp-b replication");
  oldB = makeSelfSigned("hcp-b replication", 30); // same subject, other expiry: a certificate from before a rebuild
  impostorB = makeSelfSigned("hcp-b replication");
});

function systems(): { a: FakeSystem; b: FakeSystem } {
  return {
    a: { link: link("OUTBOUND", "Sending data"), version: "9.2.27", server: certA, trusted: { b1: certB } },
    b: { link: link("INBOUND", "Receiving data"), version: "7.3.1", server: certB, trusted: { a1: certA } },
  };
}

describe("observeSystems", () => {
  it("reads both links (verbose), versions and trust both ways", async () => {
    const { a, b } = systems();
    const calls: string[] = [];
    const obs = await observeSystems({ primary: fakeClient(a, calls), replica: fakeClient(b, calls) }, "link-ab", { now: () => 42 });
    expect(obs).toEqual({
      primary: { reachable: true, link: a.link, softwareVersion: "9.2.27" },
      replica: { reachable: true, link: b.link, softwareVersion: "7.3.1" },
      trust: { primaryTrustsReplica: true, replicaTrustsPrimary: true },
      now: 42,
    });
    expect(calls.filter((c) => c.startsWith("getLink"))).toEqual(["getLink link-ab verbose=true", "getLink link-ab verbose=true"]);
    expect(calls).not.toContain("getCertificate server");
  });

  it("reads trust only where step 3 applies: a failed-over link on the way back to a rebuilt primary", async () => {
    const trustReads = async (declared: "failedOver" | "replicating" | "recovering", messages: [string | null, string]) => {
      const { a, b } = systems();
      a.link = messages[0] === null ? null : link("OUTBOUND", messages[0]);
      b.link = link("INBOUND", messages[1]);
      const calls: string[] = [];
      const obs = await observeSystems({ primary: fakeClient(a, calls), replica: fakeClient(b, calls) }, "link-ab", { readTrust: trustNeededFor(declared) });
      expect(calls.filter((c) => c.startsWith("getLink"))).toHaveLength(2);
      return { reads: calls.filter((c) => !c.startsWith("getLink")).length, trust: obs.trust };
    };
    const unknown = { primaryTrustsReplica: "unknown", replicaTrustsPrimary: "unknown" };
    expect(await trustReads("failedOver", ["Sending data", "Receiving data"])).toEqual({ reads: 0, trust: unknown });
    expect(await trustReads("failedOver", ["Failed over", "Failed over"])).toEqual({ reads: 0, trust: unknown });
    expect(await trustReads("replicating", ["Receiving data", "Recovering data"])).toEqual({ reads: 0, trust: unknown });
    // Failed over, the primary kept its configuration (not rebuilt): step 3 does not apply.
    expect(await trustReads("replicating", ["Failed over", "Failed over"])).toEqual({ reads: 0, trust: unknown });
    // A rebuilt primary answers without the link: step 3 re-checks the certificates both ways.
    const full = await trustReads("replicating", [null, "Failed over"]);
    expect(full.trust).toEqual({ primaryTrustsReplica: true, replicaTrustsPrimary: true });
    expect(full.reads).toBeGreaterThanOrEqual(4);
    expect((await trustReads("recovering", [null, "Failed over"])).reads).toBeGreaterThanOrEqual(4);
  });

  it("a poll reads the replica first, and the primary only when the replica's message needs it", async () => {
    const poll = async (replicaMessage: string) => {
      const { a, b } = systems();
      a.link = link("OUTBOUND", "Receiving data");
      b.link = link("INBOUND", replicaMessage);
      const primaryCalls: string[] = [];
      const replicaCalls: string[] = [];
      const obs = await observeSystems({ primary: fakeClient(a, primaryCalls), replica: fakeClient(b, replicaCalls) }, "link-ab", { replicaFirst: true, readTrust: trustNeededFor("replicating") });
      return { obs, primaryCalls, replicaCalls };
    };
    for (const inContact of ["Recovering data", "Completing recovery"]) {
      const { obs, primaryCalls, replicaCalls } = await poll(inContact);
      expect(primaryCalls).toEqual([]);
      expect(replicaCalls).toEqual(["getLink link-ab verbose=true"]);
      expect(obs.primary).toEqual({ reachable: true });
      expect(obs.replica.link?.statusMessage).toBe(inContact);
    }
    // "Stalled link" may hide data recovery: the primary is read to tell.
    const stalled = await poll("Stalled link");
    expect(stalled.primaryCalls).toEqual(["getLink link-ab verbose=true"]);
    expect(stalled.obs.primary.link?.statusMessage).toBe("Receiving data");
  });

  it("narrows trusted certificates by expiry before fetching any PEM", async () => {
    const { a, b } = systems();
    a.trusted = { old: oldB, b1: certB };
    const calls: string[] = [];
    const obs = await observeSystems({ primary: fakeClient(a, calls), replica: fakeClient(b, calls) }, "link-ab");
    expect(obs.trust.primaryTrustsReplica).toBe(true);
    expect(calls).not.toContain("getCertificate old");
    expect(calls).toContain("getCertificate b1");
  });

  it("sees a rebuilt system's new certificate as not trusted", async () => {
    const { a, b } = systems();
    a.trusted = { old: oldB }; // the primary still trusts the replica's previous certificate only
    b.trusted = {}; // a rebuilt replica trusts nothing
    const calls: string[] = [];
    const obs = await observeSystems({ primary: fakeClient(a, calls), replica: fakeClient(b, calls) }, "link-ab");
    expect(obs.trust).toEqual({ primaryTrustsReplica: false, replicaTrustsPrimary: false });
    expect(calls.filter((c) => c.startsWith("getCertificate"))).toEqual([]);
  });

  it("compares certificate bytes, not just names and dates", async () => {
    const { a, b } = systems();
    b.server = impostorB;
    const obs = await observeSystems({ primary: fakeClient(a, []), replica: fakeClient(b, []) }, "link-ab");
    // expiry may match to the second; the PEM does not
    expect(obs.trust.primaryTrustsReplica).toBe(false);
  });

  it("tolerates an unreachable primary: reachable false with the error text, trust unknown", async () => {
    const { a, b } = systems();
    a.down = true;
    const obs = await observeSystems({ primary: fakeClient(a, []), replica: fakeClient(b, []) }, "link-ab");
    expect(obs.primary).toEqual({
      reachable: false,
      error: "Cannot reach https://hcp-a:9090/mapi/services/replication/links/link-ab?verbose=true (GET): connect ECONNREFUSED 10.0.0.1:9090",
    });
    expect(obs.replica.reachable).toBe(true);
    expect(obs.trust).toEqual({ primaryTrustsReplica: "unknown", replicaTrustsPrimary: "unknown" });
  });

  it("reports a missing link as null and an unreadable certificate list as unknown trust", async () => {
    const { a, b } = systems();
    a.link = null;
    a.certListFails = true;
    const obs = await observeSystems({ primary: fakeClient(a, []), replica: fakeClient(b, []) }, "link-ab");
    expect(obs.primary).toEqual({ reachable: true, link: null, softwareVersion: "9.2.27" });
    expect(obs.trust).toEqual({ primaryTrustsReplica: "unknown", replicaTrustsPrimary: true });
  });

  it("reads both systems in parallel", async () => {
    const { a, b } = systems();
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = (sys: FakeSystem, name: string): ObservingClient => {
      const inner = fakeClient(sys, []);
      return {
        ...inner,
        async getLink(n, o) {
          started.push(name);
          if (started.length === 2) release();
          await gate;
          return inner.getLink(n, o);
        },
      };
    };
    await observeSystems({ primary: slow(a, "primary"), replica: slow(b, "replica") }, "link-ab");
    expect(started.sort()).toEqual(["primary", "replica"]);
  });
});

describe("findTrustedCertificate", () => {
  it("returns the trusted entry (with its id) holding the same certificate", async () => {
    const { a } = systems();
    a.trusted = { old: oldB, b1: certB };
    const calls: string[] = [];
    const found = await findTrustedCertificate(fakeClient(a, calls), certB.certPem);
    expect(found).toEqual({ found: true, certificate: info("b1", certB) });
    expect(calls).toEqual(["listCertificates", "getCertificate b1"]);
    expect(await findTrustedCertificate(fakeClient(a, []), impostorB.certPem)).toEqual({ found: false, unreadable: false });
  });
});

describe("observeSystems with real MAPI clients over HTTPS", () => {
  it("observes two scripted systems end to end", async () => {
    const ca = makeCa("obs CA");
    const leaf = makeServerCert(ca);
    const route = (sys: { link: unknown; server: Issued; trusted: Record<string, Issued>; version: string }) => (req: Recorded): Reply => {
      const headers = { "X-HCP-SoftwareVersion": sys.version };
      const path = req.url.replace("/mapi/services/replication", "");
      if (path === "/links/link-ab?verbose=true" && sys.link === null) return { status: 404, headers: { ...headers, "X-HCP-ErrorMessage": "no such link" } };
      if (path === "/links/link-ab?verbose=true") return { ...json(sys.link), headers: { ...json(sys.link).headers, ...headers } };
      if (path === "/certificates/server") return { status: 200, headers: { ...headers, "Content-Type": "application/x-pem-file" }, body: sys.server.certPem };
      if (path === "/certificates") {
        const list = { certificate: [info("server", sys.server), ...Object.entries(sys.trusted).map(([id, c]) => info(id, c))] };
        return { ...json(list), headers: { ...json(list).headers, ...headers } };
      }
      const id = /^\/certificates\/(.+)$/.exec(path)?.[1];
      if (id && sys.trusted[id]) return { status: 200, headers: { ...headers, "Content-Type": "application/x-pem-file" }, body: sys.trusted[id].certPem };
      return { status: 404, headers: { ...headers, "X-HCP-ErrorMessage": "not found" } };
    };
    const primary = await startServer({ key: leaf.keyPem, cert: leaf.certPem }, route({ link: null, server: certA, trusted: {}, version: "9.2.27" }));
    const replica = await startServer(
      { key: leaf.keyPem, cert: leaf.certPem },
      route({ link: { ...link("INBOUND", "Failed over"), suspended: "false" }, server: certB, trusted: { a1: certA }, version: "9.2.27" }),
    );
    const make = (endpoint: string) => new MapiClient({ endpoint, username: "admin", password: "pw", caCertificate: ca.certPem });
    const clients = { primary: make(primary.endpoint), replica: make(replica.endpoint) };
    try {
      const obs = await observeSystems(clients, "link-ab");
      expect(obs.primary).toEqual({ reachable: true, link: null, softwareVersion: "9.2.27" });
      expect(obs.replica.link).toMatchObject({ type: "INBOUND", statusMessage: "Failed over", suspended: false });
      expect(obs.trust).toEqual({ primaryTrustsReplica: false, replicaTrustsPrimary: true });
      expect(clients.primary.requestCount + clients.replica.requestCount).toBe(7);
    } finally {
      clients.primary.close();
      clients.replica.close();
      await primary.close();
      await replica.close();
    }
  });
});
