import { randomUUID } from "node:crypto";
import type { ResolvedConfig } from "../config";
import { LINK_DEFAULTS, replicationNodeIps } from "./assumptions";
import { SimClock } from "./clock";
import { defaultFailoverSide, defaultSchedule, mirrorRecord, type LinkRecord } from "./link";
import { SystemModel, type ServerCertificate } from "./system";
import { World } from "./world";

/**
 * The world as the configuration describes it: systems with their tenants, links already
 * established (replicating, no pending request even across releases), certificates exchanged.
 */
export function buildWorld(config: ResolvedConfig, serverCertificates: ReadonlyMap<string, ServerCertificate>): World {
  const clock = new SimClock(config.timeSpeed);
  const world = new World(clock, config.replicationRate);
  for (const [index, spec] of config.systems.entries()) {
    const certificate = serverCertificates.get(spec.name.toLowerCase());
    if (!certificate) throw new Error(`No replication certificate for ${spec.name}`);
    const system = new SystemModel(spec.name, spec.softwareVersion, spec.replicationHost, spec.users, certificate, clock, spec.enableDNSFailover);
    system.quirks = { ...spec.quirks };
    system.replicationNodeIps = replicationNodeIps(index);
    for (const tenant of spec.tenants) system.ensureTenant(tenant);
    system.events.notice(`System started (HCP ${spec.softwareVersion})`);
    world.add(system);
  }
  const now = clock.now();
  for (const link of config.links) {
    const primary = world.requireSystem(link.primary);
    const replica = world.requireSystem(link.replica);
    if (link.exchangeCertificates) {
      primary.trust(replica.serverCertificate);
      replica.trust(primary.serverCertificate);
    }
    const record: LinkRecord = {
      id: randomUUID(),
      name: link.name,
      type: link.type === "ACTIVE_ACTIVE" ? "ACTIVE_ACTIVE" : "OUTBOUND",
      peer: replica.name,
      settings: {
        description: "",
        compression: LINK_DEFAULTS.compression,
        encryption: LINK_DEFAULTS.encryption,
        priority: LINK_DEFAULTS.priority,
        connection: { remoteHost: replica.replicationHost, localHost: primary.replicationHost, remotePort: LINK_DEFAULTS.port, localPort: LINK_DEFAULTS.port },
        failoverSettings: { local: defaultFailoverSide(), remote: defaultFailoverSide() },
      },
      tenants: new Map(link.tenants.map((name) => [name.toLowerCase(), { name, paused: false }])),
      directories: new Set(link.directories),
      schedule: defaultSchedule(),
      phase: "replicating",
      phaseChangedAt: now,
      suspended: false,
      splitBrain: false,
    };
    for (const tenant of link.tenants) {
      primary.ensureTenant(tenant);
      replica.ensureTenant(tenant);
    }
    primary.links.set(link.name.toLowerCase(), record);
    replica.links.set(link.name.toLowerCase(), mirrorRecord(record, primary.name, now));
  }
  return world;
}
