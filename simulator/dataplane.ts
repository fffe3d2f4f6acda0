import { forbidden, notFound } from "./errors";
import { formatTimestamp } from "./model/assumptions";
import type { StoredObject, SystemModel, Tenant } from "./model/system";
import type { World } from "./model/world";
import type { Route } from "./router";
import type { Reply } from "./wire";

/**
 * A small object store per tenant, on each system's port under `/data` (same auth as MAPI, JSON
 * listings). Writes to a tenant that a link makes read-only on this system are refused with 403.
 */

export interface DataRequest {
  readonly world: World;
  readonly system: SystemModel;
  readonly params: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly contentType: string | undefined;
}

export type DataHandler = (request: DataRequest) => Reply;

export const DATA_ROUTES: readonly Route<DataHandler>[] = [
  { template: "/data", handlers: { GET: listTenants } },
  { template: "/data/{tenant}", handlers: { GET: listObjects } },
  { template: "/data/{tenant}/{key+}", handlers: { GET: getObject, HEAD: getObject, PUT: putObject } },
];

/** Listing entry of an object (also used by the control API). */
export function describeObject(object: StoredObject): { key: string; size: number; version: string; writtenAt: string; writtenAtMillis: number } {
  return { key: object.key, size: object.data.length, version: object.version, writtenAt: formatTimestamp(object.writtenAt), writtenAtMillis: object.writtenAt };
}

function listTenants(request: DataRequest): Reply {
  const tenants = [...request.system.tenants.values()].map((tenant) => ({
    name: tenant.name,
    access: request.world.tenantAccess(request.system, tenant.name).access,
    objects: tenant.objects.size,
  }));
  return json(200, { system: request.system.name, tenants });
}

function listObjects(request: DataRequest): Reply {
  const tenant = requireTenant(request);
  const objects = [...tenant.objects.values()].sort((a, b) => a.key.localeCompare(b.key)).map(describeObject);
  return json(200, { system: request.system.name, tenant: tenant.name, access: request.world.tenantAccess(request.system, tenant.name).access, objects });
}

function getObject(request: DataRequest): Reply {
  const tenant = requireTenant(request);
  const key = request.params["key"] ?? "";
  const object = tenant.objects.get(key);
  if (!object) throw notFound(`No object '${key}' in tenant '${tenant.name}' on ${request.system.name}`);
  return {
    status: 200,
    raw: { contentType: object.contentType, body: object.data },
    headers: { ETag: `"${object.version}"`, "Last-Modified": new Date(object.writtenAt).toUTCString() },
  };
}

function putObject(request: DataRequest): Reply {
  const tenant = requireTenant(request);
  const access = request.world.tenantAccess(request.system, tenant.name);
  if (access.access === "read-only") {
    throw forbidden(`Tenant '${tenant.name}' is read-only on ${request.system.name} (link '${access.link}': ${access.statusMessage})`);
  }
  const key = request.params["key"] ?? "";
  const existed = tenant.objects.has(key);
  const object = request.system.writeObject(tenant, key, request.body, request.contentType ?? "application/octet-stream", request.world.clock.now());
  return { status: existed ? 200 : 201, headers: { ETag: `"${object.version}"` } };
}

function requireTenant(request: DataRequest): Tenant {
  const name = request.params["tenant"] ?? "";
  const tenant = request.system.tenant(name);
  if (!tenant) throw notFound(`Tenant '${name}' does not exist on ${request.system.name}`);
  return tenant;
}

function json(status: number, value: unknown): Reply {
  return { status, raw: { contentType: "application/json", body: JSON.stringify(value) } };
}
