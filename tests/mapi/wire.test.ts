import { MapiResponseError } from "../../provider/mapi/errors";
import {
  decodeCertificateList,
  decodeLink,
  decodeLinkContent,
  decodeLinkList,
  decodeService,
  decodeTenantStatus,
  encodeLinkModification,
  encodeLinkSpec,
  extractPem,
  parseBody,
} from "../../provider/mapi/wire";

const ctx = { method: "GET", url: "https://hcp:9090/mapi/services/replication/links/l1?verbose=true", path: "/mapi/services/replication/links/l1?verbose=true" };

const LINK_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<link>
  <name>l1</name>
  <description>A &amp; B</description>
  <type>INBOUND</type>
  <connection><remoteHost>10.0.0.1</remoteHost><remotePort>5748</remotePort><localPort>5748</localPort></connection>
  <compression>true</compression>
  <encryption>false</encryption>
  <priority>FAIR</priority>
  <failoverSettings>
    <local><autoFailover>false</autoFailover><autoFailoverMinutes>120</autoFailoverMinutes><autoCompleteRecovery>true</autoCompleteRecovery><autoCompleteRecoveryMinutes>30</autoCompleteRecoveryMinutes></local>
    <remote><autoFailover>true</autoFailover><autoFailoverMinutes>60</autoFailoverMinutes></remote>
  </failoverSettings>
  <id>6ba7b810-9dad-11d1-80b4-00c04fd430c8</id>
  <status>WARNING</status>
  <statusMessage>Failed over</statusMessage>
  <suspended>false</suspended>
  <statistics>
    <upToDateAsOfString>2025-06-01T11:50:00Z</upToDateAsOfString>
    <upToDateAsOfMillis>1748778600000</upToDateAsOfMillis>
    <bytesPending>4096</bytesPending>
    <objectsPending>3</objectsPending>
    <bytesPerSecond>12.5</bytesPerSecond>
    <errors>0</errors>
  </statistics>
</link>`;

const LINK_EXPECTED = {
  name: "l1",
  description: "A & B",
  type: "INBOUND",
  connection: { remoteHost: "10.0.0.1", remotePort: 5748, localPort: 5748 },
  compression: true,
  encryption: false,
  priority: "FAIR",
  failoverSettings: {
    local: { autoFailover: false, autoFailoverMinutes: 120, autoCompleteRecovery: true, autoCompleteRecoveryMinutes: 30 },
    remote: { autoFailover: true, autoFailoverMinutes: 60 },
  },
  id: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
  status: "WARNING",
  statusMessage: "Failed over",
  suspended: false,
  statistics: {
    upToDateAsOfString: "2025-06-01T11:50:00Z",
    upToDateAsOfMillis: 1748778600000,
    bytesPending: 4096,
    objectsPending: 3,
    bytesPerSecond: 12.5,
    errors: 0,
  },
};

function thrown(fn: () => unknown): MapiResponseError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MapiResponseError);
    return err as MapiResponseError;
  }
  throw new Error("did not throw");
}

describe("decoding", () => {
  it("decodes a verbose link from XML, coercing booleans and numbers", () => {
    expect(decodeLink(parseBody(LINK_XML, "application/xml", ctx), ctx)).toEqual(LINK_EXPECTED);
  });

  it("decodes the same link from JSON (native types; string scalars tolerated; root optional)", () => {
    const bare = { ...LINK_EXPECTED, compression: "true", statistics: { ...LINK_EXPECTED.statistics, objectsPending: "3" } };
    expect(decodeLink(parseBody(JSON.stringify(bare), "application/json", ctx), ctx)).toEqual(LINK_EXPECTED);
    expect(decodeLink(parseBody(JSON.stringify({ link: LINK_EXPECTED }), "application/json", ctx), ctx)).toEqual(LINK_EXPECTED);
  });

  it("sniffs the format when Content-Type is missing", () => {
    expect(decodeLink(parseBody(LINK_XML, undefined, ctx), ctx).name).toBe("l1");
    expect(decodeLink(parseBody(JSON.stringify(LINK_EXPECTED), "", ctx), ctx).name).toBe("l1");
  });

  it("applies documented defaults to a non-verbose link", () => {
    const link = decodeLink(parseBody(`<link><name>007</name><type>OUTBOUND</type><connection><remoteHost>b</remoteHost></connection></link>`, "application/xml", ctx), ctx);
    expect(link).toEqual({ name: "007", type: "OUTBOUND", connection: { remoteHost: "b" }, compression: false, encryption: false, priority: "OLDEST_FIRST", failoverSettings: {} });
  });

  it("names the missing or malformed field", () => {
    expect(thrown(() => decodeLink(parseBody(`<link><name>l1</name><type>INBOUND</type></link>`, "application/xml", ctx), ctx)).message).toBe(
      "Malformed response from GET https://hcp:9090/mapi/services/replication/links/l1?verbose=true: missing field link.connection",
    );
    const e = thrown(() => decodeLink(parseBody(JSON.stringify({ name: "l1", type: "INBOUND", connection: {} }), "application/json", ctx), ctx));
    expect(e.field).toBe("link.connection.remoteHost");
    expect(thrown(() => decodeLink(parseBody(JSON.stringify({ ...LINK_EXPECTED, suspended: "maybe" }), "application/json", ctx), ctx)).message).toContain(
      'field link.suspended: expected true or false, found text "maybe"',
    );
    expect(thrown(() => decodeLink(parseBody(JSON.stringify({ ...LINK_EXPECTED, type: "SIDEWAYS" }), "application/json", ctx), ctx)).message).toContain(
      'field link.type: expected one of ACTIVE_ACTIVE, OUTBOUND, INBOUND, found "SIDEWAYS"',
    );
    expect(thrown(() => decodeLink(parseBody(JSON.stringify({ ...LINK_EXPECTED, statistics: { bytesPending: "lots" } }), "application/json", ctx), ctx)).field).toBe(
      "link.statistics.bytesPending",
    );
  });

  it("rejects malformed XML and JSON, and a wrong root", () => {
    expect(thrown(() => parseBody("<link><name>l1</link>", "application/xml", ctx)).message).toContain("not well-formed XML");
    expect(thrown(() => parseBody("{nope", "application/json", ctx)).message).toContain("not valid JSON");
    expect(thrown(() => parseBody("   ", "application/json", ctx)).message).toContain("empty body");
    expect(thrown(() => parseBody("hello", "text/plain", ctx)).message).toContain("neither XML nor JSON");
    expect(thrown(() => decodeLink(parseBody("<links><name>a</name></links>", "application/xml", ctx), ctx)).message).toContain(
      "expected XML root <link>, found <links>",
    );
  });

  it("decodes link lists: several, one, none", () => {
    const x = (body: string) => decodeLinkList(parseBody(body, "application/xml", ctx), ctx);
    const j = (body: unknown) => decodeLinkList(parseBody(JSON.stringify(body), "application/json", ctx), ctx);
    expect(x("<links><name>a</name><name>b</name></links>")).toEqual(["a", "b"]);
    expect(x("<links><name>a</name></links>")).toEqual(["a"]);
    expect(x("<links/>")).toEqual([]);
    expect(j({ name: ["a", "b"] })).toEqual(["a", "b"]);
    expect(j({ name: "a" })).toEqual(["a"]);
    expect(j({})).toEqual([]);
  });

  it("decodes certificate lists in both formats", () => {
    const item = { id: "server", subjectDN: "CN=hcp-a", validOn: "2025-01-01T00:00:00Z", expiresOn: "2026-01-01T00:00:00Z" };
    const xmlBody = `<certificates><certificate><id>server</id><subjectDN>CN=hcp-a</subjectDN><validOn>2025-01-01T00:00:00Z</validOn><expiresOn>2026-01-01T00:00:00Z</expiresOn></certificate></certificates>`;
    expect(decodeCertificateList(parseBody(xmlBody, "application/xml", ctx), ctx)).toEqual([item]);
    expect(decodeCertificateList(parseBody(JSON.stringify({ certificate: [item, { ...item, id: "ab12" }] }), "application/json", ctx), ctx)).toHaveLength(2);
    expect(thrown(() => decodeCertificateList(parseBody(JSON.stringify({ certificate: [{ id: "x" }] }), "application/json", ctx), ctx)).field).toBe(
      "certificates.certificate[0].subjectDN",
    );
  });

  it("decodes link content, tenant status and the replication service", () => {
    const content = `<content><tenants><name>t1</name><name>t2</name></tenants><defaultNamespaceDirectories><name>d1</name></defaultNamespaceDirectories><chainedLinks/></content>`;
    expect(decodeLinkContent(parseBody(content, "application/xml", ctx), ctx)).toEqual({ tenants: ["t1", "t2"], defaultNamespaceDirectories: ["d1"], chainedLinks: [] });
    expect(
      decodeLinkContent(parseBody(JSON.stringify({ tenants: { name: ["t1"] }, defaultNamespaceDirectories: { name: [] }, chainedLinks: { name: [] } }), "application/json", ctx), ctx),
    ).toEqual({ tenants: ["t1"], defaultNamespaceDirectories: [], chainedLinks: [] });
    expect(
      decodeTenantStatus(parseBody("<tenantReplicationStatus><status>PAUSED</status><objectsPending>5</objectsPending></tenantReplicationStatus>", "application/xml", ctx), ctx),
    ).toEqual({ status: "PAUSED", objectsPending: 5 });
    expect(
      decodeService(parseBody("<replicationService><enableDNSFailover>true</enableDNSFailover><network>[hcp_system]</network><connectivityTimeoutSeconds>120</connectivityTimeoutSeconds><verification>OFF</verification><status>ENABLED</status></replicationService>", "application/xml", ctx), ctx),
    ).toEqual({ enableDNSFailover: true, network: ["[hcp_system]"], connectivityTimeoutSeconds: 120, verification: "OFF", status: "ENABLED" });
  });

  it("extracts PEM text, also from a JSON wrapper", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    expect(extractPem(pem, ctx)).toBe(pem + "\n");
    expect(extractPem(JSON.stringify({ certificate: pem }), ctx)).toBe(pem + "\n");
    expect(thrown(() => extractPem("nothing here", ctx)).message).toContain("no PEM certificate");
  });
});

describe("encoding", () => {
  const spec = {
    name: "l1",
    type: "OUTBOUND" as const,
    connection: { remoteHost: "10.0.0.2" },
    compression: true,
    failoverSettings: { local: { autoFailover: false, autoFailoverMinutes: 120 } },
  };
  it("JSON without a root, dropping undefined fields", () => {
    const { body, contentType } = encodeLinkSpec(spec, "json");
    expect(contentType).toBe("application/json");
    expect(JSON.parse(body)).toEqual(spec);
  });
  it("XML under <link>, escaping text", () => {
    const { body, contentType } = encodeLinkSpec({ ...spec, description: "a<b & c" }, "xml");
    expect(contentType).toBe("application/xml");
    expect(body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><link><name>l1</name><description>a&lt;b &amp; c</description><type>OUTBOUND</type><connection><remoteHost>10.0.0.2</remoteHost></connection><compression>true</compression><failoverSettings><local><autoFailover>false</autoFailover><autoFailoverMinutes>120</autoFailoverMinutes></local></failoverSettings></link>',
    );
    // and it reads back
    expect(decodeLink(parseBody(body, contentType, ctx), ctx)).toMatchObject({ ...spec, description: "a<b & c" });
  });
  it("a modification carries only the supplied fields", () => {
    expect(JSON.parse(encodeLinkModification({ priority: "FAIR" }, "json").body)).toEqual({ priority: "FAIR" });
    expect(encodeLinkModification({ connection: { remotePort: 5749 } }, "xml").body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><link><connection><remotePort>5749</remotePort></connection></link>',
    );
  });
});
