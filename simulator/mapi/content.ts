import { badRequest } from "../errors";
import {
  CANDIDATES_ROOT,
  SCHEDULE_OVERRIDES,
  SCHEDULE_PERFORMANCE_LEVELS,
  SCHEDULE_ROOT,
  SCHEDULE_TIME_PATTERN,
  TENANT_STATUS_ROOT,
} from "../model/assumptions";
import { tenantStatusOf, type LinkSchedule, type ScheduleSide } from "../model/link";
import { reportedStatistics, statisticsOf } from "../model/replication";
import { addDirectory, addTenant, removeDirectory, removeTenant, requireLinkTenant, setTenantPaused, updateSchedule } from "../model/topology";
import { OK, type Fields, type Reply, type WireObject } from "../wire";
import { bodyOf, operationParams, requireLink, type MapiRequest } from "./context";

/** `/links/<link>/content`, its tenants and directories, the schedule, and the candidate lists. */

export function getContent(request: MapiRequest): Reply {
  const record = requireLink(request);
  return {
    status: 200,
    doc: {
      root: "content",
      body: {
        tenants: { name: [...record.tenants.values()].map((t) => t.name) },
        defaultNamespaceDirectories: { name: [...record.directories] },
        chainedLinks: { name: [] },
      },
    },
  };
}

export function putTenant(request: MapiRequest): Reply {
  addTenant(request.world, request.system, requireLink(request), request.params["tenant"] ?? "");
  return OK;
}

/** Tenant replication status on this link. */
export function getTenant(request: MapiRequest): Reply {
  const record = requireLink(request);
  const name = request.params["tenant"] ?? "";
  const tenant = record.tenants.get(requireLinkTenant(record, name));
  const stats = reportedStatistics(request.system, statisticsOf(request.world, request.system, record, undefined, name));
  return {
    status: 200,
    doc: {
      root: TENANT_STATUS_ROOT,
      body: {
        name: tenant?.name ?? name,
        status: tenantStatusOf(tenant),
        upToDateAsOfString: stats.upToDateAsOfString,
        upToDateAsOfMillis: stats.upToDateAsOfMillis,
        objectsPending: stats.objectsPending,
        bytesPending: stats.bytesPending,
        objectsPendingRemote: stats.objectsPendingRemote,
        bytesPendingRemote: stats.bytesPendingRemote,
      },
    },
  };
}

/** `?pause` or `?resume`. */
export function postTenant(request: MapiRequest): Reply {
  const record = requireLink(request);
  const operations = operationParams(request.query);
  const operation = operations.length === 1 ? operations[0] : undefined;
  if (operation !== "pause" && operation !== "resume") throw badRequest("POST a link tenant with exactly one of ?pause or ?resume");
  setTenantPaused(request.world, request.system, record, request.params["tenant"] ?? "", operation === "pause");
  return OK;
}

export function deleteTenant(request: MapiRequest): Reply {
  removeTenant(request.world, request.system, requireLink(request), request.params["tenant"] ?? "");
  return OK;
}

export function putDirectory(request: MapiRequest): Reply {
  addDirectory(request.world, requireLink(request), request.params["directory"] ?? "");
  return OK;
}

export function deleteDirectory(request: MapiRequest): Reply {
  removeDirectory(request.world, requireLink(request), request.params["directory"] ?? "");
  return OK;
}

export function getSchedule(request: MapiRequest): Reply {
  const schedule = requireLink(request).schedule;
  return { status: 200, doc: { root: SCHEDULE_ROOT, body: { local: encodeScheduleSide(schedule.local), remote: encodeScheduleSide(schedule.remote) } } };
}

/** Only the supplied side(s) change; a supplied side replaces its override and transitions. */
export function postSchedule(request: MapiRequest): Reply {
  const record = requireLink(request);
  const fields = bodyOf(request, SCHEDULE_ROOT);
  fields.rejectUnknown(["local", "remote"]);
  // Documented (hcp-workflows.md 5, "schedule"): `local` is invalid on POST for an inbound link, `remote` for an outbound one.
  if (record.type === "INBOUND" && fields.object("local")) throw badRequest(`schedule local cannot be set on an inbound link (link '${record.name}' on ${request.system.name}): set remote`);
  if (record.type === "OUTBOUND" && fields.object("remote")) throw badRequest(`schedule remote cannot be set on an outbound link (link '${record.name}' on ${request.system.name}): set local`);
  const next: LinkSchedule = {
    local: readScheduleSide(fields.object("local"), record.schedule.local),
    remote: readScheduleSide(fields.object("remote"), record.schedule.remote),
  };
  updateSchedule(request.world, record, next);
  return OK;
}

function encodeScheduleSide(side: ScheduleSide): WireObject {
  return { scheduleOverride: side.scheduleOverride, transition: side.transitions.map((t) => ({ time: t.time, performanceLevel: t.performanceLevel })) };
}

function readScheduleSide(fields: Fields | undefined, current: ScheduleSide): ScheduleSide {
  if (!fields) return current;
  fields.rejectUnknown(["scheduleOverride", "transition"]);
  const transitions = fields.list("transition")?.map((item) => {
    item.rejectUnknown(["time", "performanceLevel"]);
    const time = item.string("time");
    if (time === undefined || !SCHEDULE_TIME_PATTERN.test(time)) throw badRequest(`schedule transition time must look like Sun:00 .. Sat:23, got ${time ?? "nothing"}`);
    const performanceLevel = item.enumValue("performanceLevel", SCHEDULE_PERFORMANCE_LEVELS);
    if (performanceLevel === undefined) throw badRequest("schedule transition performanceLevel is required");
    return { time, performanceLevel };
  });
  return {
    scheduleOverride: fields.enumValue("scheduleOverride", SCHEDULE_OVERRIDES) ?? current.scheduleOverride,
    transitions: transitions ?? current.transitions,
  };
}

/** Tenants on this system that are not on the link yet. */
export function getLocalCandidates(request: MapiRequest): Reply {
  const record = requireLink(request);
  const tenants = [...request.system.tenants.values()].filter((t) => !record.tenants.has(t.name.toLowerCase())).map((t) => t.name);
  return { status: 200, doc: { root: CANDIDATES_ROOT.local, body: { tenants: { name: tenants }, defaultNamespaceDirectories: { name: [] } } } };
}

/** Tenants on the remote system that are not on the link yet (it must be reachable). */
export function getRemoteCandidates(request: MapiRequest): Reply {
  const record = requireLink(request);
  const { peer } = request.world.peerOf(record);
  if (!peer || !request.world.canTalk(request.system, peer)) throw badRequest(`The remote system ${record.peer} cannot be reached`);
  const tenants = [...peer.tenants.values()].filter((t) => !record.tenants.has(t.name.toLowerCase())).map((t) => t.name);
  return { status: 200, doc: { root: CANDIDATES_ROOT.remote, body: { tenants: { name: tenants }, defaultNamespaceDirectories: { name: [] } } } };
}
