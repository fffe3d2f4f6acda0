/**
 * Benchmark program: `linkCount` active/passive links from one HCP system to another, each with
 * `tenantsPerLink` tenants and a ReplicationFailover, plus the certificate trust each way (shared by the
 * links, since they join the same two systems). Link i is `<linkPrefix>-<i>` with tenants
 * `<linkPrefix>-<i>-t<j>` (bench/scenarios.ts builds the matching simulator configuration).
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { FailoverState, HcpSystem, ReplicationCertificateTrust, ReplicationFailover, ReplicationLink } from "pulumi-hcp-replication";
import { linkNames, tenantNames } from "../../naming";

const config = new pulumi.Config();

function system(prefix: "primary" | "replica"): HcpSystem {
  const caFile = config.get(`${prefix}CaFile`);
  return {
    name: config.require(`${prefix}Name`),
    endpoint: config.require(`${prefix}Endpoint`),
    username: config.require(`${prefix}Username`),
    password: config.requireSecret(`${prefix}Password`),
    caCertificate: caFile ? fs.readFileSync(caFile, "utf8") : undefined,
    connectTimeoutSeconds: config.getNumber("connectTimeoutSeconds"),
  };
}

const primary = system("primary");
const replica = system("replica");
const prefix = config.require("linkPrefix");
const linkCount = config.requireNumber("linkCount");
const tenantsPerLink = config.requireNumber("tenantsPerLink");
const state = (config.get("state") ?? "replicating") as FailoverState;

const trusts = [
  new ReplicationCertificateTrust("replica-trusts-primary", { certificateOf: primary, trustedBy: replica }),
  new ReplicationCertificateTrust("primary-trusts-replica", { certificateOf: replica, trustedBy: primary }),
];

const phases: pulumi.Output<string>[] = [];
for (const name of linkNames(prefix, linkCount)) {
  const link = new ReplicationLink(
    name,
    {
      primary,
      replica,
      linkName: name,
      type: "ACTIVE_PASSIVE",
      remoteHost: config.require("remoteHost"),
      tenants: tenantNames(name, tenantsPerLink),
    },
    { dependsOn: trusts },
  );
  const failover = new ReplicationFailover(
    `${name}-failover`,
    {
      link: link.linkName,
      primary,
      replica,
      state,
      completeRecoveryWhenBehindSeconds: config.getNumber("completeRecoveryWhenBehindSeconds"),
      waitTimeoutSeconds: config.getNumber("waitTimeoutSeconds"),
      pollIntervalSeconds: config.getNumber("pollIntervalSeconds"),
    },
    { dependsOn: [link] },
  );
  phases.push(failover.phase);
}

export const linkPhases = pulumi.all(phases);
