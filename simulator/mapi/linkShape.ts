import { badRequest } from "../errors";
import {
  AUTO_COMPLETE_RECOVERY_MINUTES_RANGE,
  AUTO_FAILOVER_MINUTES_RANGE,
  LINK_DEFAULTS,
  LINK_NAME_MAX_LENGTH,
  statusFor,
} from "../model/assumptions";
import { defaultFailoverSide, type FailoverSide, type LinkRecord, type LinkSettings, type LinkType, type Priority } from "../model/link";
import { statisticsOf } from "../model/replication";
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
    failoverSettings: { local: { ...s.failoverSettings.local }, remote: { ...s.failoverSettings.remote } },
  };
  if (!verbose) return body;
  const statusMessage = world.statusMessage(system, record);
  return {
    ...body,
    id: record.id,
    status: statusFor(statusMessage),
    statusMessage,
    suspended: record.suspended || system.service.status === "SHUTDOWN",
    statistics: { ...statisticsOf(world, system, record) },
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
  const settings = readSettings(fields, defaults);
  if (!settings.connection.remoteHost) throw badRequest("link.connection.remoteHost must not be empty");
  return { name, type, settings };
}

/** Reads a `POST links/<l>` body: only the supplied properties change; name and type cannot. */
export function readLinkPatch(fields: Fields, record: LinkRecord): LinkSettings {
  fields.rejectUnknown(WRITABLE, READ_ONLY);
  const name = fields.string("name");
  if (name !== undefined && name.toLowerCase() !== record.name.toLowerCase()) {
    throw badRequest(`link.name cannot be changed (link '${record.name}')`);
  }
  const type = fields.enumValue("type", LINK_TYPES);
  if (type !== undefined && type !== record.type) throw badRequest(`link.type cannot be changed (it is ${record.type} on this system)`);
  return readSettings(fields, record.settings);
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
