/**
 * Active/passive HCP replication, declared: two systems, the certificate trust each way, the link with its
 * tenants, and which side is active. Change the direction with
 *   pulumi config set state failedOver | recovering | replicating
 * then `pulumi preview --diff` to see the documented steps, and `pulumi up` to run them.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { HcpSystem, ReplicationCertificateTrust, ReplicationFailover, ReplicationLink, FailoverState } from "pulumi-hcp-replication";

const config = new pulumi.Config();

function system(prefix: "primary" | "replica", defaultName: string): HcpSystem {
  const caFile = config.get(`${prefix}CaFile`);
  return {
    name: config.get(`${prefix}Name`) ?? defaultName,
    endpoint: config.require(`${prefix}Endpoint`),
    username: config.require(`${prefix}Username`),
    password: config.requireSecret(`${prefix}Password`),
    caCertificate: caFile ? fs.readFileSync(caFile, "utf8") : undefined,
  };
}

const primary = system("primary", "hcp-a");
const replica = system("replica", "hcp-b");
const linkName = config.get("linkName") ?? "link-ab";
const dnsFailover = config.getBoolean("dnsFailover") ?? false;

// Seed step 3: each system trusts the other's replication server certificate.
const replicaTrustsPrimary = new ReplicationCertificateTrust("replica-trusts-primary", { certificateOf: primary, trustedBy: replica });
const primaryTrustsReplica = new ReplicationCertificateTrust("primary-trusts-replica", { certificateOf: replica, trustedBy: primary });

// The link and what it replicates; configuration changes (seed step 4) go to the authoritative side.
const link = new ReplicationLink(
  "link",
  {
    primary,
    replica,
    linkName,
    type: "ACTIVE_PASSIVE",
    remoteHost: config.require("remoteHost"),
    tenants: config.getObject<string[]>("tenants") ?? ["finance", "media"],
    allowDeletion: config.getBoolean("allowLinkDeletion") ?? false,
  },
  { dependsOn: [replicaTrustsPrimary, primaryTrustsReplica] },
);

// Which side is active: the documented failover and recovery steps run to make this true.
const failover = new ReplicationFailover(
  "failover",
  {
    link: link.linkName,
    primary,
    replica,
    state: (config.get("state") ?? "replicating") as FailoverState,
    dnsFailover,
    completeRecoveryWhenBehindSeconds: config.getNumber("completeRecoveryWhenBehindSeconds"),
    waitTimeoutSeconds: config.getNumber("waitTimeoutSeconds"),
    pollIntervalSeconds: config.getNumber("pollIntervalSeconds"),
    maxDataLossSeconds: config.getNumber("maxDataLossSeconds"),
    acceptDataLoss: config.getBoolean("acceptDataLoss"),
    acceptDataLossReason: config.get("acceptDataLossReason"),
  },
  { dependsOn: [link] },
);

// Seed steps 2 and 11: without DNS failover, clients are redirected by a script of your own. It runs
// whenever the active system changes.
const redirectScript = config.get("redirectScript");
if (!dnsFailover && redirectScript) {
  new command.local.Command(
    "redirect-clients",
    {
      create: redirectScript,
      triggers: [failover.activeSystem],
      environment: {
        ACTIVE_SYSTEM: failover.activeSystem,
        ACTIVE_ENDPOINT: pulumi.all([failover.activeSystem, primary.endpoint, replica.endpoint]).apply(([active, p, r]) => (active === "primary" ? p : r)),
      },
    },
    { dependsOn: [failover] },
  );
}

export const activeSystem = failover.activeSystem;
export const phase = failover.phase;
export const primaryAccess = failover.primaryAccess;
export const replicaAccess = failover.replicaAccess;
// Not plannedSteps: preview fills it in and `up` empties it, so as a stack output it would break
// `pulumi up --plan` (a saved plan pins stack outputs known at preview). Preview shows it on the resource.
export const executedSteps = failover.executedSteps;
export const lastTransition = failover.lastTransition;
