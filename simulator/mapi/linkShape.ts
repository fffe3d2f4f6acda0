import { badRequest } from "../errors";
import {
  ACTIVE_ACTIVE_FAILOVER_FIELDS,
  AUTO_COMPLETE_RECOVERY_MINUTES_RANGE,
  AUTO_FAILOVER_MINUTES_RANGE,
  LINK_DEFAULTS,
  LINK_NAME_MAX_LENGTH,
  TYPE_CONVERSIONS,
  statusFor,
} from "../model/assumptions";
import { defaultFailoverSide, kindOf, type FailoverSide, type LinkRecord, type LinkSettings, type LinkType, type Priority } from "../model/link";
import { reportedStatistics, statisticsOf } from "../model/replication";
import type { SystemModel } from "../model/system";
import type { NewLink } from "../model/topology";
import type { World } from "../model/world";
import type { Fields, WireObject } from "../wire";

/** The `link` data type: encoding a record, reading a create or modify body. */

const LINK_TYPES: readonly LinkType[] = ["ACTIVE_ACTIVE", "OUTBOUND", "INBOUND"];
const PRIORITIES: readonly Priority[] = ["OLDEST_FIRST", "FAIR"];
const WRITABLE = ["name", "description", "type", "connection", "compression", "encryption", "priority", "failoverSettings"];
const READ_ONLY = ["id", "status", "statusMessage", "suspended", "statistics"];
const PORT_RANGE = [1, 65535] as const;

/** A link as one system shows it; read-only properties only when `verbose`. */
export function encodeLink(world: World, system: SystemModel, record: LinkRecord, verbose: boolean): WireObject {
  const s = record.settings;
  const body: WireObject = {
    name: record.name,
    description: s.description,
    type: record.type,
    connection: { ...s.connection },
    compression: s.compression,
    encryption: s.encryption,
    priority: s.priority,
    failoverSettings: {
      local: visibleFailoverSide(record.type, s.failoverSettings.local),
      remote: visibleFailoverSide(record.type, s.failoverSettings.remote),
    },
  };
  if (!verbose) return body;
  const statusMessage = world.statusMessage(system, record);
  return {
    ...body,
    id: record.id,
    status: statusFor(statusMessage),
    statusMessage,
    suspended: record.suspended || system.service.status === "SHUTDOWN",
    statistics: { ...reportedStatistics(system, statisticsOf(world, system, record)) },
  };
}

/** Reads a `PUT links` body: name, type and connection.remoteHost are required. */
export function readNewLink(fields: Fields, system: SystemModel): NewLink {
  fields.rejectUnknown(WRITABLE, READ_ONLY);
  const name = fields.string("name");
  if (name === undefined) throw badRequest("link.name is required");
  checkName(name);
  const type = fields.enumValue("type", LINK_TYPES);
  if (type === undefined) throw badRequest(`link.type is required (one of ${LINK_TYPES.join(", ")})`);
  const connection = fields.object("connection");
  if (!connection?.has("remoteHost")) throw badRequest("link.connection.remoteHost is required");
  const defaults: LinkSettings = {
    description: "",
    compression: LINK_DEFAULTS.compression,
    encryption: LINK_DEFAULTS.encryption,
    priority: LINK_DEFAULTS.priority,
    connection: { remoteHost: "", localHost: system.replicationHost, remotePort: LINK_DEFAULTS.port, localPort: LINK_DEFAULTS.port },
    failoverSettings: { local: defaultFailoverSide(), remote: defaultFailoverSide() },
  };
  refuseRecoveryFieldsOnActiveActive(fields, type);
  const settings = readSettings(fields, defaults);
  if (!settings.connection.remoteHost) throw badRequest("link.connection.remoteHost must not be empty");
  return { name, type, settings };
}

/** A modify body: the settings merged with the request, and the type to convert to, if any. */
export interface LinkPatch {
  readonly settings: LinkSettings;
  /** Set when the body converts an active/passive link to active/active. */
  readonly convertTo?: LinkType;
}

/** Reads a `POST links/<l>` body: only the supplied properties change; the name cannot, the type only A/P -> A/A. */
export function readLinkPatch(fields: Fields, record: LinkRecord): LinkPatch {
  fields.rejectUnknown(WRITABLE, READ_ONLY);
  const name = fields.string("name");
  if (name !== undefined && name.toLowerCase() !== record.name.toLowerCase()) {
    throw badRequest(`link.name cannot be changed (link '${record.name}')`);
  }
  const type = fields.enumValue("type", LINK_TYPES);
  const convertTo = type !== undefined && type !== record.type ? checkConversion(record, type) : undefined;
  refuseRecoveryFieldsOnActiveActive(fields, convertTo ?? record.type);
  return { settings: readSettings(fields, record.settings), ...(convertTo ? { convertTo } : {}) };
}

/** The type a modify may change to (A/P -> A/A only), or a 400 saying why not. */
function checkConversion(record: LinkRecord, type: LinkType): LinkType {
  const from = kindOf(record.type);
  const to = kindOf(type);
  if (from === to) {
    throw badRequest(`link.type cannot change from ${record.type} to ${type}: the direction of an active/passive link cannot be reversed`);
  }
  if (!(TYPE_CONVERSIONS[from] ?? []).includes(to)) {
    throw badRequest(`link.type cannot change from ${record.type} to ${type}: an active/active link cannot be converted to active/passive`);
  }
  return type;
}

/** On an active/active link only the autoFailover fields exist per side. */
function refuseRecoveryFieldsOnActiveActive(fields: Fields, type: LinkType): void {
  if (kindOf(type) !== "ACTIVE_ACTIVE") return;
  const failover = fields.object("failoverSettings");
  for (const side of ["local", "remote"] as const) {
    const sideFields = failover?.object(side);
    for (const key of sideFields?.keys() ?? []) {
      if (!(ACTIVE_ACTIVE_FAILOVER_FIELDS as readonly string[]).includes(key)) {
        throw badRequest(`link.failoverSettings.${side}.${key} applies to active/passive links only; an active/active link has ${ACTIVE_ACTIVE_FAILOVER_FIELDS.join(" and ")}`);
      }
    }
  }
}

/** What a GET shows of one side's failover settings: on an active/active link only the autoFailover fields. */
function visibleFailoverSide(type: LinkType, side: FailoverSide): Partial<FailoverSide> {
  if (kindOf(type) !== "ACTIVE_ACTIVE") return { ...side };
  return { autoFailover: side.autoFailover, autoFailoverMinutes: side.autoFailoverMinutes };
}

function readSettings(fields: Fields, current: LinkSettings): LinkSettings {
  const connection = fields.object("connection");
  connection?.rejectUnknown(["remoteHost", "localHost", "remotePort", "localPort"]);
  const failover = fields.object("failoverSettings");
  failover?.rejectUnknown(["local", "remote"]);
  return {
    description: fields.string("description") ?? current.description,
    compression: fields.boolean("compression") ?? current.compression,
    encryption: fields.boolean("encryption") ?? current.encryption,
    priority: fields.enumValue("priority", PRIORITIES) ?? current.priority,
    connection: {
      remoteHost: connection?.string("remoteHost") ?? current.connection.remoteHost,
      localHost: connection?.string("localHost") ?? current.connection.localHost,
      remotePort: connection?.integer("remotePort", ...PORT_RANGE) ?? current.connection.remotePort,
      localPort: connection?.integer("localPort", ...PORT_RANGE) ?? current.connection.localPort,
    },
    failoverSettings: {
      local: readFailoverSide(failover?.object("local"), current.failoverSettings.local),
      remote: readFailoverSide(failover?.object("remote"), current.failoverSettings.remote),
    },
  };
}

function readFailoverSide(fields: Fields | undefined, current: FailoverSide): FailoverSide {
  if (!fields) return { ...current };
  fields.rejectUnknown(["autoFailover", "autoFailoverMinutes", "autoCompleteRecovery", "autoCompleteRecoveryMinutes"]);
  return {
    autoFailover: fields.boolean("autoFailover") ?? current.autoFailover,
    autoFailoverMinutes: fields.integer("autoFailoverMinutes", AUTO_FAILOVER_MINUTES_RANGE.min, AUTO_FAILOVER_MINUTES_RANGE.max) ?? current.autoFailoverMinutes,
    autoCompleteRecovery: fields.boolean("autoCompleteRecovery") ?? current.autoCompleteRecovery,
    autoCompleteRecoveryMinutes:
      fields.integer("autoCompleteRecoveryMinutes", AUTO_COMPLETE_RECOVERY_MINUTES_RANGE.min, AUTO_COMPLETE_RECOVERY_MINUTES_RANGE.max) ??
      current.autoCompleteRecoveryMinutes,
  };
}

function checkName(name: string): void {
  if (name.length < 1 || name.length > LINK_NAME_MAX_LENGTH || name.includes("/")) {
    throw badRequest(`link.name must be 1-${LINK_NAME_MAX_LENGTH} characters without '/'`);
  }
}
