import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import { SimError, badRequest, unsupportedMediaType } from "./errors";
import { READ_ONLY_PROPERTY_STATUS, UNKNOWN_PROPERTY_STATUS } from "./model/assumptions";

/**
 * MAPI on the wire: responses as XML (root = data type name) or JSON (`Accept: application/json`,
 * no root), request bodies read from XML or JSON by `Content-Type`, and typed field readers whose
 * errors name the property.
 */

export type WireValue = string | number | boolean | WireObject | WireValue[] | undefined;
export interface WireObject {
  [key: string]: WireValue;
}

/** A response document: the XML root element name and its content (the JSON body). */
export interface WireDoc {
  readonly root: string;
  readonly body: WireObject;
}

export type Format = "xml" | "json";

/** What a handler answers. No `doc` and no `raw`: 200 with an empty body. */
export interface Reply {
  readonly status: number;
  readonly doc?: WireDoc;
  readonly raw?: { readonly contentType: string; readonly body: string | Buffer };
  readonly headers?: Readonly<Record<string, string>>;
}

/** 200 with an empty body: the success of PUT, POST, DELETE and actions. */
export const OK: Reply = { status: 200 };

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

/** XML unless the client asks for JSON. */
export function responseFormat(accept: string | undefined): Format {
  return accept !== undefined && /application\/json/i.test(accept) ? "json" : "xml";
}

/** Serializes a document in the requested format. */
export function encode(doc: WireDoc, format: Format, pretty: boolean): { contentType: string; body: string } {
  if (format === "json") {
    return { contentType: "application/json", body: JSON.stringify(doc.body, null, pretty ? 2 : undefined) };
  }
  const builder = new XMLBuilder({ format: pretty, indentBy: "  ", suppressEmptyNode: false });
  const xml = builder.build({ [doc.root]: toXmlValue(doc.body) }) as string;
  return { contentType: "application/xml", body: `${XML_DECLARATION}${pretty ? "\n" : ""}${xml}` };
}

function toXmlValue(value: WireValue): unknown {
  if (Array.isArray(value)) return value.map(toXmlValue);
  if (value !== undefined && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toXmlValue(v)]));
  }
  return value === undefined ? undefined : String(value);
}

/** The media type of a `Content-Type` header, lowercase, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

/**
 * Reads a request body of data type `root` (the XML root element; JSON bodies have no root).
 * 415 for a missing or unsupported Content-Type, 400 for a malformed or empty body.
 */
export function decodeBody(body: Buffer, contentType: string | undefined, root: string): Fields {
  const type = mediaType(contentType);
  if (body.length === 0) throw badRequest(`A ${root} request body is required`);
  const text = body.toString("utf8");
  if (type === "application/json") {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw badRequest(`Malformed JSON body: ${(error as Error).message}`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw badRequest(`The JSON body must be a ${root} object`);
    return new Fields(value as Record<string, unknown>, root, "json");
  }
  if (type === "application/xml" || type === "text/xml") {
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw badRequest(`Malformed XML body: ${valid.err.msg} (line ${valid.err.line})`);
    const parsed = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, ignoreDeclaration: true }).parse(text) as Record<string, unknown>;
    const roots = Object.keys(parsed);
    if (roots.length !== 1 || roots[0] !== root) throw badRequest(`Expected an XML document with root element <${root}>, got <${roots.join("><")}>`);
    return Fields.of(parsed[root], root, "xml");
  }
  if (type === undefined) throw unsupportedMediaType("A request body needs Content-Type application/xml or application/json");
  throw unsupportedMediaType(`Unsupported Content-Type '${type}': use application/xml or application/json`);
}

/** Typed access to the properties of a decoded body; every error names the property path. */
export class Fields {
  constructor(
    private readonly data: Record<string, unknown>,
    private readonly path: string,
    private readonly format: Format,
  ) {}

  /** An object property (XML: an empty element is an empty object). */
  static of(value: unknown, path: string, format: Format): Fields {
    if (format === "xml" && value === "") return new Fields({}, path, format);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw badRequest(`Invalid value for ${path}: expected an object`);
    }
    return new Fields(value as Record<string, unknown>, path, format);
  }

  keys(): string[] {
    return Object.keys(this.data);
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.data, key);
  }

  /** 403 for a read-only property, 400 for a property the type does not have. */
  rejectUnknown(known: readonly string[], readOnly: readonly string[] = []): void {
    for (const key of this.keys()) {
      if (readOnly.includes(key)) throw new SimError(READ_ONLY_PROPERTY_STATUS, `${this.path}.${key} is a read-only property`);
      if (!known.includes(key)) throw new SimError(UNKNOWN_PROPERTY_STATUS, `Invalid property: ${this.path}.${key} (allowed: ${known.join(", ")})`);
    }
  }

  string(key: string): string | undefined {
    const value = this.scalar(key);
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw this.invalid(key, "a string", value);
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.scalar(key);
    if (value === undefined) return undefined;
    if (typeof value === "boolean" && this.format === "json") return value;
    if (this.format === "xml" && (value === "true" || value === "false")) return value === "true";
    throw this.invalid(key, "true or false", value);
  }

  integer(key: string, min: number, max: number): number | undefined {
    const value = this.scalar(key);
    if (value === undefined) return undefined;
    const number = this.format === "json" ? value : typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (typeof number !== "number" || !Number.isInteger(number) || number < min || number > max) {
      throw this.invalid(key, `an integer ${min}..${max}`, value);
    }
    return number;
  }

  enumValue<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) throw this.invalid(key, `one of ${allowed.join(", ")}`, value);
    return value as T;
  }

  object(key: string): Fields | undefined {
    if (!this.has(key)) return undefined;
    return Fields.of(this.data[key], `${this.path}.${key}`, this.format);
  }

  /** A repeated element (XML) or an array (JSON), as Fields per item. */
  list(key: string): Fields[] | undefined {
    if (!this.has(key)) return undefined;
    const value = this.data[key];
    if (this.format === "xml" && value === "") return [];
    const items = Array.isArray(value) ? value : this.format === "xml" ? [value] : undefined;
    if (!items) throw this.invalid(key, "an array", value);
    return items.map((item, index) => Fields.of(item, `${this.path}.${key}[${index}]`, this.format));
  }

  private scalar(key: string): unknown {
    if (!this.has(key)) return undefined;
    const value = this.data[key];
    if (Array.isArray(value)) throw badRequest(`${this.path}.${key} appears more than once`);
    if (value === null || typeof value === "object") throw this.invalid(key, "a single value", value);
    return value;
  }

  private invalid(key: string, expected: string, value: unknown): SimError {
    const shown = typeof value === "string" ? `"${value.slice(0, 80)}"` : JSON.stringify(value)?.slice(0, 80);
    return badRequest(`Invalid value for ${this.path}.${key}: expected ${expected}, got ${shown}`);
  }
}

/** A list document: `<root><name>a</name>…</root>`, JSON `{"name":["a",…]}`. */
export function nameList(root: string, names: readonly string[]): WireDoc {
  return { root, body: { name: [...names] } };
}
