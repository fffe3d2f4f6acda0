/**
 * MAPI bodies on the wire: XML (HCP's default) and JSON (what this client asks for), both ways.
 *
 * Decoding is format-agnostic: a body is parsed to plain data (XML text values stay strings), then typed
 * decoders coerce scalars (`"true"` -> true, `"42"` -> 42) and validate required fields, raising
 * {@link MapiResponseError} that names the field.
 */
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import { LINK_READ_DEFAULTS, LIST_SHAPES } from "./assumptions";
import { MapiResponseError } from "./errors";
import type {
  CertificateInfo,
  FailoverSettings,
  FailoverSideSettings,
  LinkCandidates,
  LinkConnection,
  LinkContent,
  LinkModification,
  LinkSpec,
  LinkStatistics,
  LinkType,
  LinkScheduleView,
  LinkView,
  ReplicationService,
  TenantReplicationStatus,
  WireFormat,
} from "./types";
import { SCHEDULE_OVERRIDES } from "./types";

/** Where a body came from, for error messages. */
export interface WireContext {
  method: string;
  url: string;
  path: string;
}

/** A parsed body: XML gives its root element name, JSON has none. */
export interface ParsedBody {
  format: WireFormat;
  root?: string;
  value: unknown;
}

type Plain = Record<string, unknown>;

function fail(ctx: WireContext, problem: string, field?: string): never {
  throw new MapiResponseError({ ...ctx, problem, ...(field ? { field } : {}) });
}

function isPlain(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Decides the body format from the Content-Type header, else from the first character. */
export function detectFormat(text: string, contentType?: string): WireFormat | undefined {
  const ct = (contentType ?? "").toLowerCase();
  if (ct.includes("json")) return "json";
  if (ct.includes("xml")) return "xml";
  const first = text.trimStart()[0];
  if (first === "<") return "xml";
  if (first === "{" || first === "[") return "json";
  return undefined;
}

/** Parses a response body (XML or JSON) into plain data. */
export function parseBody(text: string, contentType: string | undefined, ctx: WireContext): ParsedBody {
  if (text.trim().length === 0) fail(ctx, "empty body where data was expected");
  const format = detectFormat(text, contentType);
  if (format === "json") {
    try {
      return { format, value: JSON.parse(text) as unknown };
    } catch (err) {
      return fail(ctx, `not valid JSON: ${(err as Error).message}`);
    }
  }
  if (format === "xml") {
    // HCP sends no document type: a DOCTYPE (and with it any entity declaration) is refused unparsed.
    if (/<!DOCTYPE|<!ENTITY/i.test(text)) fail(ctx, "XML with a DOCTYPE or entity declaration is refused");
    let valid: ReturnType<typeof XMLValidator.validate>;
    try {
      valid = XMLValidator.validate(text);
    } catch (err) {
      return fail(ctx, `not readable XML: ${(err as Error).message}`);
    }
    if (valid !== true) {
      fail(ctx, `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
    }
    const parser = new XMLParser({
      ignoreAttributes: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      parseTagValue: false,
      trimValues: true,
    });
    let doc: Plain;
    try {
      doc = parser.parse(text) as Plain;
    } catch (err) {
      // The parser's own limits (nesting depth, entity counts) end here as a malformed answer.
      return fail(ctx, `not readable XML: ${(err as Error).message}`);
    }
    const roots = Object.keys(doc);
    if (roots.length !== 1) fail(ctx, `expected one XML root element, found ${roots.length}`);
    return { format, root: roots[0], value: doc[roots[0]] };
  }
  return fail(ctx, `neither XML nor JSON (Content-Type ${JSON.stringify(contentType ?? "")})`);
}

/**
 * The object under the expected root: XML must have that root element; JSON may be bare (HCP's form)
 * or wrapped in `{ "<root>": … }`. An empty XML element gives `{}`.
 */
export function rootObject(parsed: ParsedBody, root: string, ctx: WireContext, anyXmlRoot = false): Plain {
  let value = parsed.value;
  if (parsed.format === "xml") {
    if (!anyXmlRoot && parsed.root !== root) fail(ctx, `expected XML root <${root}>, found <${parsed.root}>`, root);
    if (value === "" || value === undefined || value === null) return {};
  } else if (isPlain(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === root && (isPlain(value[root]) || value[root] === "")) {
      value = value[root] === "" ? {} : value[root];
    }
  }
  if (!isPlain(value)) fail(ctx, `expected an object for ${root}, found ${describe(value)}`, root);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `text ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  return typeof value;
}

/** A list field: absent or empty -> [], a single item -> [item], a list as is. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

/** Typed field access on one decoded object, naming `path.field` in every error. */
export class FieldReader {
  constructor(
    private readonly data: Plain,
    private readonly path: string,
    private readonly ctx: WireContext,
  ) {}

  private name(field: string): string {
    return `${this.path}.${field}`;
  }

  private raw(field: string, required: boolean): unknown {
    const value = this.data[field];
    // An empty XML element (`<description/>`) reads as "": absent for every type but text.
    if (value === undefined || value === null) {
      if (required) fail(this.ctx, `missing field ${this.name(field)}`, this.name(field));
      return undefined;
    }
    return value;
  }

  str(field: string): string | undefined;
  str(field: string, required: true): string;
  str(field: string, required = false): string | undefined {
    const value = this.raw(field, required);
    if (value === undefined) return undefined;
    if (typeof value === "string") {
      if (required && value.length === 0) fail(this.ctx, `empty field ${this.name(field)}`, this.name(field));
      return value;
    }
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return fail(this.ctx, `field ${this.name(field)}: expected text, found ${describe(value)}`, this.name(field));
  }

  bool(field: string): boolean | undefined {
    const value = this.raw(field, false);
    if (value === undefined || value === "") return undefined;
    if (typeof value === "boolean") return value;
    if (typeof value === "string") {
      const t = value.trim().toLowerCase();
      if (t === "true") return true;
      if (t === "false") return false;
    }
    return fail(this.ctx, `field ${this.name(field)}: expected true or false, found ${describe(value)}`, this.name(field));
  }

  num(field: string): number | undefined {
    const value = this.raw(field, false);
    if (value === undefined || value === "") return undefined;
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(value) && Number.isFinite(Number(value))) return Number(value);
    return fail(this.ctx, `field ${this.name(field)}: expected a number, found ${describe(value)}`, this.name(field));
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], required: true): T;
  oneOf<T extends string>(field: string, allowed: readonly T[]): T | undefined;
  oneOf<T extends string>(field: string, allowed: readonly T[], required = false): T | undefined {
    const value = required ? this.str(field, true) : this.str(field);
    if (value === undefined || value === "") return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      fail(
        this.ctx,
        `field ${this.name(field)}: expected one of ${allowed.join(", ")}, found ${JSON.stringify(value)}`,
        this.name(field),
      );
    }
    return value as T;
  }

  /** A nested object; `""` (empty XML element) reads as an empty object. */
  obj(field: string): FieldReader | undefined;
  obj(field: string, required: true): FieldReader;
  obj(field: string, required = false): FieldReader | undefined {
    const value = this.raw(field, required);
    if (value === undefined) return undefined;
    if (value === "") return new FieldReader({}, this.name(field), this.ctx);
    if (!isPlain(value)) {
      fail(this.ctx, `field ${this.name(field)}: expected an object, found ${describe(value)}`, this.name(field));
    }
    return new FieldReader(value, this.name(field), this.ctx);
  }

  /** The items of a list field, e.g. `name` in `{ "name": ["a", "b"] }`. */
  items(field: string): unknown[] {
    return asList(this.data[field]);
  }

  /** A list of text items. */
  strings(field: string): string[] {
    return this.items(field).map((item, i) => {
      if (typeof item === "string") return item;
      if (typeof item === "number" || typeof item === "boolean") return String(item);
      return fail(this.ctx, `field ${this.name(field)}[${i}]: expected text, found ${describe(item)}`, this.name(field));
    });
  }

  /** A list of objects. */
  objects(field: string): FieldReader[] {
    return this.items(field).map((item, i) => {
      if (!isPlain(item)) {
        fail(this.ctx, `field ${this.name(field)}[${i}]: expected an object, found ${describe(item)}`, this.name(field));
      }
      return new FieldReader(item, `${this.name(field)}[${i}]`, this.ctx);
    });
  }

  has(field: string): boolean {
    return this.data[field] !== undefined && this.data[field] !== null;
  }
}

function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

const LINK_TYPES: readonly LinkType[] = ["ACTIVE_ACTIVE", "OUTBOUND", "INBOUND"];

function decodeSide(r: FieldReader | undefined): FailoverSideSettings | undefined {
  if (!r) return undefined;
  return defined({
    autoFailover: r.bool("autoFailover"),
    autoFailoverMinutes: r.num("autoFailoverMinutes"),
    autoCompleteRecovery: r.bool("autoCompleteRecovery"),
    autoCompleteRecoveryMinutes: r.num("autoCompleteRecoveryMinutes"),
  });
}

function decodeStatistics(r: FieldReader): LinkStatistics {
  return defined({
    upToDateAsOfString: r.str("upToDateAsOfString"),
    upToDateAsOfMillis: r.num("upToDateAsOfMillis"),
    bytesPending: r.num("bytesPending"),
    objectsPending: r.num("objectsPending"),
    bytesPendingRemote: r.num("bytesPendingRemote"),
    objectsPendingRemote: r.num("objectsPendingRemote"),
    bytesReplicated: r.num("bytesReplicated"),
    objectsReplicated: r.num("objectsReplicated"),
    bytesPerSecond: r.num("bytesPerSecond"),
    operationsPerSecond: r.num("operationsPerSecond"),
    errors: r.num("errors"),
    errorsPerSecond: r.num("errorsPerSecond"),
    objectsVerified: r.num("objectsVerified"),
    objectsReplicatedAfterVerification: r.num("objectsReplicatedAfterVerification"),
  });
}

/** `link` (GET links/<link>). Requires name, type and connection.remoteHost; applies documented defaults. */
export function decodeLink(parsed: ParsedBody, ctx: WireContext): LinkView {
  const r = new FieldReader(rootObject(parsed, "link", ctx), "link", ctx);
  const c = r.obj("connection", true);
  const connection: LinkConnection = defined({
    remoteHost: c.str("remoteHost", true),
    localHost: c.str("localHost"),
    remotePort: c.num("remotePort"),
    localPort: c.num("localPort"),
  });
  const fs = r.obj("failoverSettings");
  const failoverSettings: FailoverSettings = fs ? defined({ local: decodeSide(fs.obj("local")), remote: decodeSide(fs.obj("remote")) }) : {};
  const stats = r.obj("statistics");
  return defined({
    name: r.str("name", true),
    description: r.str("description"),
    type: r.oneOf("type", LINK_TYPES, true),
    connection,
    compression: r.bool("compression") ?? LINK_READ_DEFAULTS.compression,
    encryption: r.bool("encryption") ?? LINK_READ_DEFAULTS.encryption,
    // Unknown priorities are kept as sent rather than failing a read over a display field.
    priority: (r.str("priority") || LINK_READ_DEFAULTS.priority) as LinkView["priority"],
    failoverSettings,
    id: r.str("id"),
    status: (r.str("status") || undefined) as LinkView["status"],
    statusMessage: r.str("statusMessage"),
    suspended: r.bool("suspended"),
    statistics: stats ? decodeStatistics(stats) : undefined,
  });
}

/** `links` list: XML `<links><name>a</name></links>`, JSON `{"name":["a"]}`. */
export function decodeLinkList(parsed: ParsedBody, ctx: WireContext): string[] {
  const shape = LIST_SHAPES.links;
  return new FieldReader(rootObject(parsed, shape.root, ctx), shape.root, ctx).strings(shape.item);
}

/** `certificates` list: items `{id, subjectDN, validOn, expiresOn}`, all four required. */
export function decodeCertificateList(parsed: ParsedBody, ctx: WireContext): CertificateInfo[] {
  const shape = LIST_SHAPES.certificates;
  const r = new FieldReader(rootObject(parsed, shape.root, ctx), shape.root, ctx);
  return r.objects(shape.item).map((c) => ({
    id: c.str("id", true),
    subjectDN: c.str("subjectDN", true),
    validOn: c.str("validOn", true),
    expiresOn: c.str("expiresOn", true),
  }));
}

/** `content` of a link: tenants, default-namespace directories and chained links, each a name list. */
export function decodeLinkContent(parsed: ParsedBody, ctx: WireContext): LinkContent {
  const r = new FieldReader(rootObject(parsed, "content", ctx), "content", ctx);
  const names = (field: (typeof LIST_SHAPES.contentLists)[number]): string[] =>
    r.obj(field)?.strings(LIST_SHAPES.contentItem) ?? [];
  return {
    tenants: names("tenants"),
    defaultNamespaceDirectories: names("defaultNamespaceDirectories"),
    chainedLinks: names("chainedLinks"),
  };
}

/** `localCandidates` of a link: tenants and default-namespace directories it could still take. */
export function decodeLinkCandidates(parsed: ParsedBody, ctx: WireContext): LinkCandidates {
  const { root } = LIST_SHAPES.candidates;
  const r = new FieldReader(rootObject(parsed, root, ctx), root, ctx);
  const names = (field: (typeof LIST_SHAPES.candidates.lists)[number]): string[] =>
    r.obj(field)?.strings(LIST_SHAPES.contentItem) ?? [];
  return { tenants: names("tenants"), defaultNamespaceDirectories: names("defaultNamespaceDirectories") };
}

/**
 * Tenant replication status (GET links/<link>/content/tenants/<t>). `status` is required. The XML root
 * name is not documented, so any root is accepted.
 */
export function decodeTenantStatus(parsed: ParsedBody, ctx: WireContext): TenantReplicationStatus {
  const r = new FieldReader(rootObject(parsed, "tenant", ctx, true), "tenant", ctx);
  return defined({
    status: r.oneOf("status", ["REPLICATING", "PAUSED", "AUTO_PAUSED"] as const, true),
    upToDateAsOfString: r.str("upToDateAsOfString"),
    upToDateAsOfMillis: r.num("upToDateAsOfMillis"),
    objectsPending: r.num("objectsPending"),
    bytesPending: r.num("bytesPending"),
    objectsPendingRemote: r.num("objectsPendingRemote"),
    bytesPendingRemote: r.num("bytesPendingRemote"),
  });
}

export function decodeSchedule(parsed: ParsedBody, ctx: WireContext): LinkScheduleView {
  const r = new FieldReader(rootObject(parsed, "schedule", ctx, true), "schedule", ctx);
  const side = (name: "local" | "remote") => {
    const s = r.obj(name);
    return s ? defined({ scheduleOverride: s.oneOf("scheduleOverride", SCHEDULE_OVERRIDES) }) : undefined;
  };
  return defined({ local: side("local"), remote: side("remote") });
}

function networkNames(r: FieldReader): string[] | undefined {
  if (!r.has(LIST_SHAPES.serviceNetworks.field)) return undefined;
  const raw = r.items(LIST_SHAPES.serviceNetworks.field);
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      if (v !== "") out.push(v);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (isPlain(v)) Object.values(v).forEach(visit);
  };
  raw.forEach(visit);
  return out;
}

/** `replicationService` (GET /mapi/services/replication). Every field optional. */
export function decodeService(parsed: ParsedBody, ctx: WireContext): ReplicationService {
  const r = new FieldReader(rootObject(parsed, "replicationService", ctx), "replicationService", ctx);
  return defined({
    allowTenantsToMonitorNamespaces: r.bool("allowTenantsToMonitorNamespaces"),
    enableDNSFailover: r.bool("enableDNSFailover"),
    network: networkNames(r),
    connectivityTimeoutSeconds: r.num("connectivityTimeoutSeconds"),
    verification: (r.str("verification") || undefined) as ReplicationService["verification"],
    status: (r.str("status") || undefined) as ReplicationService["status"],
  });
}

// ---------------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------------

/** Drops undefined fields, recursively, so neither format sends them. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (isPlain(value)) {
    const out: Plain = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = prune(v);
    }
    return out;
  }
  return value;
}

/** Encodes a request body: JSON without a root (HCP's form), or XML under `<root>`. */
export function encodeBody(root: string, value: object, format: WireFormat): { body: string; contentType: string } {
  const data = prune(value);
  if (format === "json") return { body: JSON.stringify(data), contentType: "application/json" };
  const builder = new XMLBuilder({ ignoreAttributes: true, suppressEmptyNode: false });
  return {
    body: `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ [root]: data }) as string}`,
    contentType: "application/xml",
  };
}

/** Body of `PUT links`. */
export function encodeLinkSpec(spec: LinkSpec, format: WireFormat): { body: string; contentType: string } {
  return encodeBody(
    "link",
    {
      name: spec.name,
      description: spec.description,
      type: spec.type,
      connection: spec.connection,
      compression: spec.compression,
      encryption: spec.encryption,
      priority: spec.priority,
      failoverSettings: spec.failoverSettings,
    },
    format,
  );
}

/** Body of `POST links/<link>` (modify): only the supplied fields. */
export function encodeLinkModification(change: LinkModification, format: WireFormat): { body: string; contentType: string } {
  return encodeBody(
    "link",
    {
      type: change.type,
      description: change.description,
      connection: change.connection,
      compression: change.compression,
      encryption: change.encryption,
      priority: change.priority,
      failoverSettings: change.failoverSettings,
    },
    format,
  );
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * The PEM certificate in a response: plain PEM text (assumed), or a PEM block inside a JSON/XML wrapper.
 */
export function extractPem(text: string, ctx: WireContext): string {
  let candidate = text;
  if (detectFormat(text) === "json") {
    try {
      const found: string[] = [];
      const visit = (v: unknown): void => {
        if (typeof v === "string") found.push(v);
        else if (Array.isArray(v)) v.forEach(visit);
        else if (isPlain(v)) Object.values(v).forEach(visit);
      };
      visit(JSON.parse(text));
      candidate = found.find((s) => PEM_BLOCK.test(s)) ?? text;
    } catch {
      // not JSON after all: search the raw text
    }
  }
  const match = PEM_BLOCK.exec(candidate);
  if (!match) fail(ctx, "no PEM certificate (-----BEGIN CERTIFICATE-----) in the body");
  return match[0].replace(/\r\n/g, "\n") + "\n";
}
