import { describeObject } from "./dataplane";
import { resolveQuirks, type QuirksConfig } from "./config";
import { badRequest, notFound } from "./errors";
import { DEFAULT_AUTO_PAUSE_CAUSE, statusFor } from "./model/assumptions";
import { tenantStatusOf } from "./model/link";
import { statisticsOf } from "./model/replication";
import type { SystemModel } from "./model/system";
import { acceptPendingRequest, autoPauseTenant, fixAutoPauseCause, rejectPendingRequest, setTenantPaused } from "./model/topology";
import type { World } from "./model/world";
import { allowedMethods, handlerFor, matchRoute, type Route } from "./router";
import type { Reply } from "./wire";

/**
 * The control API under `/_sim/` (loopback only, no MAPI auth, JSON in and out): faults, time,
 * inspection. Every route is listed in `simulator/README.md` and answered by `GET /_sim`.
 */

/** What the control API needs from the running simulator. */
export interface ControlOps {
  readonly world: World;
  /** `https://127.0.0.1:<port>` of a system. */
  endpointOf(system: SystemModel): string;
  takeDown(system: SystemModel): Promise<void>;
  bringUp(system: SystemModel): Promise<void>;
  /** Accepts connections and never answers them until `bringUp`. */
  blackHole(system: SystemModel): Promise<void>;
  portStateOf(system: SystemModel): "serving" | "blackhole" | "closed";
  heldConnectionsOf(system: SystemModel): number;
  rebuild(system: SystemModel, keepObjects: boolean): Promise<void>;
  renewCertificate(system: SystemModel, expiresInDays: number): Promise<void>;
  reset(): Promise<void>;
}

export interface ControlRequest {
  readonly ops: ControlOps;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Readonly<Record<string, unknown>>;
}

type ControlHandler = (request: ControlRequest) => Reply | Promise<Reply>;

const S = "/_sim/systems/{system}";

const CONTROL_ROUTES: readonly Route<ControlHandler>[] = [
  { template: "/_sim", handlers: { GET: () => json({ routes: CONTROL_ROUTES.map((r) => `${allowedMethods(r)} ${r.template}`) }) } },
  { template: "/_sim/state", handlers: { GET: (r) => json(stateOf(r.ops)) } },
  { template: "/_sim/reset", handlers: { POST: async (r) => (await r.ops.reset(), json(stateOf(r.ops))) } },
  { template: "/_sim/clock", handlers: { GET: (r) => json(clockOf(r.ops.world)), POST: setClock } },
  { template: "/_sim/network/cut", handlers: { POST: (r) => changeNetwork(r, true) } },
  { template: "/_sim/network/heal", handlers: { POST: (r) => changeNetwork(r, false) } },
  { template: "/_sim/requests", handlers: { GET: (r) => json(allRequestCounts(r.ops.world)), DELETE: (r) => clearRequestCounts(r, undefined) } },
  { template: "/_sim/systems", handlers: { GET: (r) => json([...r.ops.world.systems.values()].map((s) => summaryOf(r.ops, s))) } },
  { template: S, handlers: { GET: (r) => json(summaryOf(r.ops, system(r))) } },
  { template: `${S}/down`, handlers: { POST: async (r) => (await r.ops.takeDown(system(r)), json(summaryOf(r.ops, system(r)))) } },
  { template: `${S}/blackhole`, handlers: { POST: async (r) => (await r.ops.blackHole(system(r)), json(summaryOf(r.ops, system(r)))) } },
  { template: `${S}/up`, handlers: { POST: async (r) => (await r.ops.bringUp(system(r)), json(summaryOf(r.ops, system(r)))) } },
  { template: `${S}/rebuild`, handlers: { POST: rebuild } },
  { template: `${S}/replication-certificate`, handlers: { POST: renewCertificate } },
  { template: `${S}/software-version`, handlers: { POST: setSoftwareVersion } },
  { template: `${S}/pending-requests`, handlers: { GET: listPendingRequests } },
  { template: `${S}/pending-requests/{link}/accept`, handlers: { POST: (r) => answerPendingRequest(r, true) } },
  { template: `${S}/pending-requests/{link}/reject`, handlers: { POST: (r) => answerPendingRequest(r, false) } },
  { template: `${S}/latency`, handlers: { POST: setLatency } },
  { template: `${S}/fail-next`, handlers: { POST: setFailNext } },
  { template: `${S}/quirks`, handlers: { GET: (r) => json(system(r).quirks), POST: setQuirks } },
  { template: `${S}/links/{link}/tenants/{tenant}/auto-pause`, handlers: { POST: autoPause } },
  { template: `${S}/links/{link}/tenants/{tenant}/auto-pause/clear`, handlers: { POST: clearAutoPause } },
  { template: `${S}/events`, handlers: { GET: (r) => json(system(r).events.list(integerParam(r, "since", 0))) } },
  { template: `${S}/objects`, handlers: { GET: (r) => json(objectsOf(system(r))) } },
  { template: `${S}/objects/{tenant}`, handlers: { GET: (r) => json(objectsOf(system(r), r.params["tenant"])) } },
  { template: `${S}/objects/{tenant}/{key+}`, handlers: { GET: objectContent } },
  { template: `${S}/tenants/{tenant}`, handlers: { PUT: createTenant } },
  { template: `${S}/requests`, handlers: { GET: (r) => json(requestCountsOf(system(r))), DELETE: (r) => clearRequestCounts(r, system(r)) } },
];

/** Answers a control request; `path` is already rewritten from `/_sim/self/...` when needed. */
export async function handleControl(ops: ControlOps, method: string, path: string, query: URLSearchParams, rawBody: Buffer): Promise<Reply> {
  const match = matchRoute(CONTROL_ROUTES, path);
  if (!match) throw notFound(`No control route ${path}; GET /_sim lists them`);
  return handlerFor(match.route, method)({ ops, params: match.params, query, body: parseBody(rawBody) });
}

function parseBody(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw badRequest("Control request bodies are JSON objects");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw badRequest("Control request bodies are JSON objects");
  return value as Record<string, unknown>;
}

function json(value: unknown, status = 200): Reply {
  return { status, raw: { contentType: "application/json", body: JSON.stringify(value, null, 2) } };
}

function system(request: ControlRequest): SystemModel {
  return request.ops.world.requireSystem(request.params["system"] ?? "");
}

/** A body property, else the query parameter of that name. */
function param(request: ControlRequest, name: string): unknown {
  return request.body[name] ?? request.query.get(name) ?? undefined;
}

function numberParam(request: ControlRequest, name: string): number | undefined {
  const value = param(request, name);
  if (value === undefined) return undefined;
  const number = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(number) || number < 0) throw badRequest(`${name}: a number >= 0`);
  return number;
}

function integerParam(request: ControlRequest, name: string, fallback: number): number {
  const number = numberParam(request, name) ?? fallback;
  if (!Number.isInteger(number)) throw badRequest(`${name}: an integer >= 0`);
  return number;
}

function booleanParam(request: ControlRequest, name: string): boolean {
  const value = param(request, name);
  return value === true || value === "true" || value === "1";
}

function clockOf(world: World): { now: number; nowIso: string; timeSpeed: number } {
  const now = world.clock.now();
  return { now, nowIso: new Date(now).toISOString(), timeSpeed: world.clock.speed };
}

/** `{ timeSpeed?, advanceMs? }`: change the speed and/or jump forward. */
function setClock(request: ControlRequest): Reply {
  const { clock } = request.ops.world;
  const speed = numberParam(request, "timeSpeed");
  const advanceMs = numberParam(request, "advanceMs");
  if (speed === undefined && advanceMs === undefined) throw badRequest("Send timeSpeed and/or advanceMs");
  if (speed !== undefined) clock.setSpeed(speed);
  if (advanceMs !== undefined) clock.advance(advanceMs);
  return json(clockOf(request.ops.world));
}

/** `{ systems: [a, b] }`; heal without systems heals every cut. */
function changeNetwork(request: ControlRequest, cut: boolean): Reply {
  const { world } = request.ops;
  const names = param(request, "systems");
  if (names === undefined && !cut) {
    world.cuts.clear();
    return json({ cuts: [...world.cuts] });
  }
  if (!Array.isArray(names) || names.length !== 2 || !names.every((n) => typeof n === "string")) {
    throw badRequest("systems: an array of two system names");
  }
  const [a, b] = (names as string[]).map((name) => world.requireSystem(name)) as [SystemModel, SystemModel];
  if (a === b) throw badRequest("systems: two different systems");
  if (cut) world.cut(a, b);
  else world.heal(a, b);
  for (const s of [a, b]) s.events.warning(`Network to ${s === a ? b.name : a.name} ${cut ? "cut" : "restored"} (simulator)`);
  return json({ cuts: [...world.cuts] });
}

async function rebuild(request: ControlRequest): Promise<Reply> {
  const target = system(request);
  await request.ops.rebuild(target, booleanParam(request, "keepObjects"));
  return json(summaryOf(request.ops, target));
}

/** `{ expiresInDays }`: a new replication server certificate expiring then (negative: already expired). */
async function renewCertificate(request: ControlRequest): Promise<Reply> {
  const target = system(request);
  const days = param(request, "expiresInDays");
  if (typeof days !== "number" || !Number.isFinite(days) || days < -3650 || days > 36500) throw badRequest("expiresInDays: a number of days, -3650..36500");
  await request.ops.renewCertificate(target, days);
  return json(summaryOf(request.ops, target));
}

function setSoftwareVersion(request: ControlRequest): Reply {
  const target = system(request);
  const version = param(request, "version");
  if (typeof version !== "string" || !/^\d+(\.\d+)*$/.test(version)) throw badRequest("version: like 8.3.1");
  target.softwareVersion = version;
  target.events.notice(`Software version set to ${version} (simulator)`);
  return json(summaryOf(request.ops, target));
}

function listPendingRequests(request: ControlRequest): Reply {
  const target = system(request);
  const pending = [...target.links.values()].filter((r) => r.pending === "responder").map((r) => ({ link: r.name, from: r.peer, type: r.type }));
  return json(pending);
}

function answerPendingRequest(request: ControlRequest, accept: boolean): Reply {
  const target = system(request);
  const link = request.params["link"] ?? "";
  if (accept) acceptPendingRequest(request.ops.world, target, link);
  else rejectPendingRequest(request.ops.world, target, link);
  return json(summaryOf(request.ops, target));
}

function setLatency(request: ControlRequest): Reply {
  const target = system(request);
  target.faults.latencyMs = integerParam(request, "ms", 0);
  return json(target.faults);
}

/** `{ count, status? }`: the next `count` MAPI requests are answered with `status` (default 503). */
function setFailNext(request: ControlRequest): Reply {
  const target = system(request);
  const status = integerParam(request, "status", 503);
  if (status < 400 || status > 599) throw badRequest("status: 400..599");
  target.faults.failNext = integerParam(request, "count", 1);
  target.faults.failStatus = status;
  return json(target.faults);
}

/** `{ beginRecoveryUnavailableSeconds?, beginRecoverySpelling?, unknownActionParameters? }`: only the given ones change. */
function setQuirks(request: ControlRequest): Reply {
  const target = system(request);
  try {
    target.quirks = resolveQuirks(request.body as QuirksConfig, target.quirks, "quirks");
  } catch (error) {
    throw badRequest((error as Error).message.replace(/^Invalid simulator configuration: /, ""));
  }
  target.events.notice(`Quirks set (simulator): ${JSON.stringify(target.quirks)}`);
  return json(target.quirks);
}

function linkOf(request: ControlRequest) {
  const target = system(request);
  const name = request.params["link"] ?? "";
  const record = target.link(name);
  if (!record) throw notFound(`Link '${name}' does not exist on ${target.name}`);
  return { target, record, tenant: request.params["tenant"] ?? "" };
}

/** `{ cause? }`: HCP pauses the tenant's replication or recovery on this link by itself (AUTO_PAUSED). */
function autoPause(request: ControlRequest): Reply {
  const { target, record, tenant } = linkOf(request);
  const cause = param(request, "cause") ?? DEFAULT_AUTO_PAUSE_CAUSE;
  if (typeof cause !== "string" || cause.trim() === "") throw badRequest("cause: a non-empty text");
  autoPauseTenant(request.ops.world, target, record, tenant, cause);
  return json({ link: record.name, tenant, status: tenantStatusOf(record.tenants.get(tenant.toLowerCase())), cause });
}

/** `{ resume? }`: the cause is fixed; with `resume: true` the tenant is also resumed, as the console would. */
function clearAutoPause(request: ControlRequest): Reply {
  const { target, record, tenant } = linkOf(request);
  fixAutoPauseCause(request.ops.world, target, record, tenant);
  if (booleanParam(request, "resume")) setTenantPaused(request.ops.world, target, record, tenant, false);
  return json({ link: record.name, tenant, status: tenantStatusOf(record.tenants.get(tenant.toLowerCase())) });
}

function objectsOf(target: SystemModel, tenantName?: string): Record<string, ReturnType<typeof describeObject>[]> {
  const result: Record<string, ReturnType<typeof describeObject>[]> = {};
  for (const tenant of target.tenants.values()) {
    if (tenantName !== undefined && tenant.name.toLowerCase() !== tenantName.toLowerCase()) continue;
    result[tenant.name] = [...tenant.objects.values()].sort((a, b) => a.key.localeCompare(b.key)).map(describeObject);
  }
  if (tenantName !== undefined && Object.keys(result).length === 0) throw notFound(`Tenant '${tenantName}' does not exist on ${target.name}`);
  return result;
}

function objectContent(request: ControlRequest): Reply {
  const target = system(request);
  const tenant = target.tenant(request.params["tenant"] ?? "");
  const object = tenant?.objects.get(request.params["key"] ?? "");
  if (!object) throw notFound("No such object");
  return { status: 200, raw: { contentType: object.contentType, body: object.data } };
}

function createTenant(request: ControlRequest): Reply {
  const target = system(request);
  const name = request.params["tenant"] ?? "";
  const existed = target.tenant(name) !== undefined;
  target.ensureTenant(name);
  return json({ tenant: name, created: !existed }, existed ? 200 : 201);
}

function requestCountsOf(target: SystemModel): { total: number; byRoute: Record<string, number> } {
  return { total: target.requests.total, byRoute: Object.fromEntries([...target.requests.byRoute].sort(([a], [b]) => a.localeCompare(b))) };
}

function allRequestCounts(world: World): Record<string, ReturnType<typeof requestCountsOf>> {
  return Object.fromEntries([...world.systems.values()].map((s) => [s.name, requestCountsOf(s)]));
}

function clearRequestCounts(request: ControlRequest, target: SystemModel | undefined): Reply {
  for (const s of target ? [target] : request.ops.world.systems.values()) s.requests = { total: 0, byRoute: new Map() };
  return json({ cleared: target ? [target.name] : request.ops.world.names() });
}

function stateOf(ops: ControlOps): unknown {
  return { clock: clockOf(ops.world), cuts: [...ops.world.cuts], systems: [...ops.world.systems.values()].map((s) => summaryOf(ops, s)) };
}

/** Everything about one system a test may want to check at a glance. */
function summaryOf(ops: ControlOps, target: SystemModel): unknown {
  const { world } = ops;
  return {
    name: target.name,
    endpoint: ops.endpointOf(target),
    up: target.up,
    port: ops.portStateOf(target),
    heldConnections: ops.heldConnectionsOf(target),
    softwareVersion: target.softwareVersion,
    replicationHost: target.replicationHost,
    serverCertificate: {
      subjectDN: target.serverCertificate.subjectDN,
      fingerprintSha256: target.serverCertificate.fingerprintSha256,
      validOn: target.serverCertificate.validOn,
      expiresOn: target.serverCertificate.expiresOn,
    },
    trustedCertificates: [...target.trusted.values()].map((c) => ({ id: c.id, subjectDN: c.subjectDN, fingerprintSha256: c.fingerprintSha256 })),
    service: target.service,
    faults: target.faults,
    quirks: target.quirks,
    links: [...target.links.values()].map((record) => {
      const statusMessage = world.statusMessage(target, record);
      return {
        name: record.name,
        id: record.id,
        type: record.type,
        peer: record.peer,
        phase: record.phase,
        pending: record.pending ?? null,
        suspended: record.suspended,
        splitBrain: record.splitBrain,
        status: statusFor(statusMessage),
        statusMessage,
        tenants: [...record.tenants.values()].map((t) => t.name),
        tenantStatus: Object.fromEntries([...record.tenants.values()].map((t) => [t.name, tenantStatusOf(t)])),
        statistics: statisticsOf(world, target, record),
      };
    }),
    tenants: [...target.tenants.values()].map((t) => ({ name: t.name, access: world.tenantAccess(target, t.name).access, objects: t.objects.size })),
  };
}
