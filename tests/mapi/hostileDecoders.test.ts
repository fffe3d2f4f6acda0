/**
 * The wire decoders against generated documents (fast-check): wrong types, missing and duplicated elements,
 * huge numbers, deep nesting, DOCTYPE and entity declarations, any JSON at all. Each document either decodes
 * to a value of the documented shape or fails with a MapiResponseError naming the request: never another
 * error (a TypeError, a RangeError), and never a value that did not parse (a NaN, an Infinity, a list where
 * text belongs). A failing document is printed with its seed by fast-check and shrinks to a minimal one.
 */
import fc from "fast-check";
import { XMLBuilder } from "fast-xml-parser";
import { MapiResponseError } from "../../provider/mapi/errors";
import {
  decodeCertificateList,
  decodeLink,
  decodeLinkCandidates,
  decodeLinkContent,
  decodeLinkList,
  decodeSchedule,
  decodeService,
  decodeTenantStatus,
  parseBody,
  type ParsedBody,
  type WireContext,
} from "../../provider/mapi/wire";

const ctx: WireContext = {
  method: "GET",
  url: "https://hcp-a.example.com:9090/mapi/services/replication/links/link-ab?verbose=true",
  path: "/mapi/services/replication/links/link-ab?verbose=true",
};
const RUNS = 400;

/** Each decoder, the XML root it reads and a valid document (as HCP sends it) to mutate. */
const DECODERS: Record<string, { root: string; decode: (p: ParsedBody, c: WireContext) => unknown; valid: Record<string, unknown> }> = {
  link: {
    root: "link",
    decode: decodeLink,
    valid: {
      name: "link-ab",
      type: "OUTBOUND",
      connection: { remoteHost: "hcp-b.example.com", remotePort: 5748 },
      compression: false,
      encryption: true,
      statusMessage: "Sending data",
      suspended: false,
      failoverSettings: { local: { autoFailover: false, autoFailoverMinutes: 120 } },
      statistics: { upToDateAsOfMillis: 1764800000000, objectsPending: 12, bytesPending: 4096 },
    },
  },
  links: { root: "links", decode: decodeLinkList, valid: { name: ["link-ab", "link-cd"] } },
  certificates: {
    root: "certificates",
    decode: decodeCertificateList,
    valid: { certificate: [{ id: "server", subjectDN: "CN=hcp-b", validOn: "2026-01-01T00:00:00+0000", expiresOn: "2027-01-01T00:00:00+0000" }] },
  },
  content: { root: "content", decode: decodeLinkContent, valid: { tenants: { name: ["finance", "media"] }, chainedLinks: "" } },
  localCandidates: { root: "localCandidates", decode: decodeLinkCandidates, valid: { tenants: { name: ["logs"] } } },
  tenant: { root: "tenant", decode: decodeTenantStatus, valid: { status: "REPLICATING", objectsPending: 0, upToDateAsOfMillis: 1764800000000 } },
  schedule: { root: "schedule", decode: decodeSchedule, valid: { local: { scheduleOverride: "NONE" }, remote: { scheduleOverride: "HIGH" } } },
  replicationService: { root: "replicationService", decode: decodeService, valid: { enableDNSFailover: true, status: "ENABLED", network: "[hcp_system]" } },
};

/** A value that did not parse, anywhere in a decoded result. */
function unparsed(value: unknown, at = "result"): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${at} is ${value}`;
  if (value === null) return `${at} is null`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = typeof value[i] === "object" && !Array.isArray(value[i]) && value[i] !== null ? unparsed(value[i], `${at}[${i}]`) : typeof value[i] === "string" ? undefined : unparsed(value[i], `${at}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== undefined) {
    for (const [k, v] of Object.entries(value)) {
      const bad = unparsed(v, `${at}.${k}`);
      if (bad) return bad;
    }
  }
  return undefined;
}

/** What a decoder may do with a document: give a parsed value, or refuse naming the request. */
function outcome(name: string, text: string, contentType: string): "decoded" | "refused" {
  const { decode } = DECODERS[name];
  try {
    const value = decode(parseBody(text, contentType, ctx), ctx);
    const bad = unparsed(value);
    if (bad) throw new Error(`decoded a value that did not parse: ${bad}`);
    return "decoded";
  } catch (err) {
    if (!(err instanceof MapiResponseError)) throw err;
    expect(err.message).toContain(`GET ${ctx.url}`);
    return "refused";
  }
}

/** JSON leaves that are wrong for any field: other types, huge and odd numbers, nesting. */
const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(1e308, -1e308, 2 ** 64, -0, "1e400", "-1e999", "NaN", "Infinity", "0x10", " 12 ", "", "true", "null"),
  fc.string({ unit: "binary", maxLength: 20 }),
);

/** A valid document with fields removed, replaced by hostile leaves, added, or duplicated (as lists). */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(valid);
  return fc
    .record({
      drop: fc.subarray(keys),
      replace: fc.dictionary(fc.constantFrom(...keys), hostileLeaf, { maxKeys: 3 }),
      duplicate: fc.subarray(keys, { maxLength: Math.min(2, keys.length) }),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), hostileLeaf, { maxKeys: 2 }),
      nested: fc.option(fc.constantFrom(...keys)),
    })
    .map(({ drop, replace, duplicate, extra, nested }) => {
      const doc: Record<string, unknown> = { ...extra, ...valid };
      for (const k of drop) delete doc[k];
      Object.assign(doc, replace);
      for (const k of duplicate) if (k in doc) doc[k] = [doc[k], doc[k]];
      if (nested !== null && nested in doc) doc[nested] = { [nested]: doc[nested] };
      return doc;
    });
}

const xml = new XMLBuilder({ ignoreAttributes: true, suppressEmptyNode: false });

describe.each(Object.keys(DECODERS))("decoding %s", (name) => {
  const { root, valid } = DECODERS[name];

  test("the documented document decodes (control case)", () => {
    expect(outcome(name, JSON.stringify(valid), "application/json")).toBe("decoded");
    expect(outcome(name, xml.build({ [root]: valid }) as string, "application/xml")).toBe("decoded");
  });

  test("any JSON value at all: decoded to the documented shape or refused naming the request", () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => void outcome(name, JSON.stringify(v), "application/json")), { numRuns: RUNS });
  });

  test("mutated documents, as JSON and as XML (wrong types, missing, duplicated and nested elements, huge numbers)", () => {
    fc.assert(
      fc.property(mutated(valid), fc.boolean(), (doc, asXml) => {
        const text = asXml ? (xml.build({ [root]: doc }) as string) : JSON.stringify(doc);
        outcome(name, text, asXml ? "application/xml" : "application/json");
      }),
      { numRuns: RUNS },
    );
  });

  test("text that is neither: truncated documents and random bytes", () => {
    const json = JSON.stringify(valid);
    const asXml = xml.build({ [root]: valid }) as string;
    fc.assert(
      fc.property(fc.oneof(fc.nat(json.length).map((n) => ["application/json", json.slice(0, n)]), fc.nat(asXml.length).map((n) => ["application/xml", asXml.slice(0, n)]), fc.tuple(fc.constantFrom("application/json", "application/xml", "text/plain"), fc.string({ unit: "binary", maxLength: 200 }))), ([ct, text]) => {
        const o = outcome(name, text, ct);
        if (text === json || text === asXml) expect(o).toBe("decoded");
      }),
      { numRuns: RUNS },
    );
  });
});

describe("documents no HCP system sends", () => {
  test("a DOCTYPE or an entity declaration is refused unparsed (no entity expansion)", () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE link [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' +
      '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><link><name>&c;</name><type>OUTBOUND</type>' +
      "<connection><remoteHost>h</remoteHost></connection></link>";
    expect(() => decodeLink(parseBody(bomb, "application/xml", ctx), ctx)).toThrow(/DOCTYPE or entity declaration is refused/);
    const external = '<!DOCTYPE link SYSTEM "file:///etc/passwd"><link><name>x</name></link>';
    expect(() => parseBody(external, "application/xml", ctx)).toThrow(MapiResponseError);
  });

  test("deep nesting (100,000 levels) is refused or decoded, never a stack overflow", () => {
    const depth = 100_000;
    expect(outcome("link", `${"[".repeat(depth)}${"]".repeat(depth)}`, "application/json")).toBe("refused");
    expect(outcome("link", `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`, "application/json")).toBe("refused");
    expect(outcome("link", `<link>${"<a>".repeat(depth)}1${"</a>".repeat(depth)}</link>`, "application/xml")).toBe("refused");
  });

  test("numbers past what a double holds are refused, not read as Infinity", () => {
    for (const text of ['{"name":"l","type":"OUTBOUND","connection":{"remoteHost":"h"},"statistics":{"objectsPending":"1e400"}}', '{"name":"l","type":"OUTBOUND","connection":{"remoteHost":"h"},"statistics":{"objectsPending":1e400}}']) {
      expect(() => decodeLink(parseBody(text, "application/json", ctx), ctx)).toThrow(/field link\.statistics\.objectsPending: expected a number/);
    }
  });

  test("a duplicated element (XML) is refused naming the field, not read as its first or last value", () => {
    const text = "<link><name>l</name><type>OUTBOUND</type><connection><remoteHost>h</remoteHost></connection><statusMessage>Sending data</statusMessage><statusMessage>Failed over</statusMessage></link>";
    expect(() => decodeLink(parseBody(text, "application/xml", ctx), ctx)).toThrow(/field link\.statusMessage: expected text, found a list/);
  });
});
