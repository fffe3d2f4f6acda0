import { badRequest } from "../errors";
import { CONNECTIVITY_TIMEOUT_RANGE, SERVICE_VERIFICATION_VALUES } from "../model/assumptions";
import { OK, type Reply } from "../wire";
import { bodyOf, operationParams, type MapiRequest } from "./context";

/** `/mapi/services/replication`: the replicationService settings and the all-links switches. */

const WRITABLE = ["allowTenantsToMonitorNamespaces", "enableDNSFailover", "network", "connectivityTimeoutSeconds", "verification"];
const READ_ONLY = ["status"];

export function getService(request: MapiRequest): Reply {
  const service = request.system.service;
  return {
    status: 200,
    doc: {
      root: "replicationService",
      body: {
        allowTenantsToMonitorNamespaces: service.allowTenantsToMonitorNamespaces,
        enableDNSFailover: service.enableDNSFailover,
        network: service.network,
        connectivityTimeoutSeconds: service.connectivityTimeoutSeconds,
        verification: service.verification,
        status: request.verbose ? service.status : undefined,
      },
    },
  };
}

/** POST: `?shutDownAllLinks=<reason>`, `?reestablishAllLinks`, or a replicationService body. */
export function postService(request: MapiRequest): Reply {
  const { system } = request;
  const operations = operationParams(request.query);
  if (operations.length > 1) throw badRequest(`Only one operation per request; got ${operations.join(", ")}`);
  const operation = operations[0];
  if (operation === "shutDownAllLinks") {
    const reason = request.query.get("shutDownAllLinks") ?? "";
    system.service.status = "SHUTDOWN";
    system.service.shutdownReason = reason;
    system.events.warning(`All replication links shut down${reason ? `: ${reason}` : ""}`);
    return OK;
  }
  if (operation === "reestablishAllLinks") {
    system.service.status = "ENABLED";
    system.service.shutdownReason = undefined;
    system.events.notice("All replication links reestablished");
    return OK;
  }
  if (operation !== undefined) throw badRequest(`Unknown operation '${operation}': use shutDownAllLinks or reestablishAllLinks`);

  const fields = bodyOf(request, "replicationService");
  fields.rejectUnknown(WRITABLE, READ_ONLY);
  const next = { ...system.service };
  next.allowTenantsToMonitorNamespaces = fields.boolean("allowTenantsToMonitorNamespaces") ?? next.allowTenantsToMonitorNamespaces;
  next.enableDNSFailover = fields.boolean("enableDNSFailover") ?? next.enableDNSFailover;
  next.network = fields.string("network") ?? next.network;
  next.connectivityTimeoutSeconds =
    fields.integer("connectivityTimeoutSeconds", CONNECTIVITY_TIMEOUT_RANGE.min, CONNECTIVITY_TIMEOUT_RANGE.max) ?? next.connectivityTimeoutSeconds;
  next.verification = fields.enumValue("verification", SERVICE_VERIFICATION_VALUES) ?? next.verification;
  system.service = next;
  system.events.notice("Replication service settings changed");
  return OK;
}
