/**
 * HCP replication, declared: two systems, the certificate trust each way, the link with its tenants, and
 * which side is active. Change the direction with
 *   pulumi config set state failedOver | recovering | replicating | suspended
 * then `pulumi preview --diff` to see the documented steps, and `pulumi up` to run them.
 * With `pulumi config set linkType ACTIVE_ACTIVE` the link is active/active (both systems serve):
 * state is failedOver or replicating, and `failOverTo` (replica, or primary) names the system that keeps
 * serving while failed over.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import {
  HcpSystem,
  ReplicationCertificateTrust,
  ReplicationFailover,
  ReplicationLink,
  FailoverState,
  FailOverTarget,
  LinkKind,
  RecoveryPerformanceLevel,
} from "pulumi-hcp-replication";

const config = new pulumi.Config();

function system(prefix: "primary" | "replica", defaultName: string): HcpSystem {
  const caFile = config.get(`${prefix}CaFile`);
  return {
    name: config.get(`${prefix}Name`) ?? defaultName,
    endpoint: config.require(`${prefix}Endpoint`),
    username: config.require(`${prefix}Username`),
    password: config.requireSecret(`${prefix}Password`),
    caCertificate: caFile ? fs.readFileSync(caFile, "utf8") : undefined,
    connectTimeoutSeconds: config.getNumber("connectTimeoutSeconds"),
  };
}

const primary = system("primary", "hcp-a");
const replica = system("replica", "hcp-b");
const linkName = config.get("linkName") ?? "link-ab";
// Unset: each system's own enableDNSFailover decides (a declared value that disagrees is a warning).
const dnsFailover = config.getBoolean("dnsFailover");
const linkType = (config.get("linkType") ?? "ACTIVE_PASSIVE") as LinkKind;

// The certificate step of both workflows: each system trusts the other's replication server certificate.
const replicaTrustsPrimary = new ReplicationCertificateTrust("replica-trusts-primary", { certificateOf: primary, trustedBy: replica });
const primaryTrustsReplica = new ReplicationCertificateTrust("primary-trusts-replica", { certificateOf: replica, trustedBy: primary });

// The link and what it replicates; configuration changes (the link configuration step) go to the authoritative side.
const link = new ReplicationLink(
  "link",
  {
    primary,
    replica,
    linkName,
    type: linkType,
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
    failOverTo: config.get("failOverTo") as FailOverTarget | undefined,
    dnsFailover,
    completeRecoveryWhenBehindSeconds: config.getNumber("completeRecoveryWhenBehindSeconds"),
    waitTimeoutSeconds: config.getNumber("waitTimeoutSeconds"),
    pollIntervalSeconds: config.getNumber("pollIntervalSeconds"),
    maxDataLossSeconds: config.getNumber("maxDataLossSeconds"),
    acceptDataLoss: config.getBoolean("acceptDataLoss"),
    acceptDataLossReason: config.get("acceptDataLossReason"),
    pausedTenants: config.getObject<string[]>("pausedTenants"),
    recoveryPerformanceLevel: config.get("recoveryPerformanceLevel") as RecoveryPerformanceLevel | undefined,
  },
  { dependsOn: [link] },
);

// The client-redirect steps: without DNS failover, clients are redirected by a script of your own. It runs
// whenever the active system changes (declare dnsFailover true to leave redirecting to HCP).
const redirectScript = config.get("redirectScript");
if (dnsFailover !== true && redirectScript) {
  new command.local.Command(
    "redirect-clients",
    {
      create: redirectScript,
      triggers: [failover.activeSystem],
      environment: {
        ACTIVE_SYSTEM: failover.activeSystem,
        // "both" while an active/active link replicates: clients may write to either system.
        ACTIVE_ENDPOINT: pulumi
          .all([failover.activeSystem, primary.endpoint, replica.endpoint])
          .apply(([active, p, r]) => (active === "both" ? `${p},${r}` : active === "primary" ? p : r)),
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
