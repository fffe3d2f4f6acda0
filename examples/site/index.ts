/**
 * A whole HCP site, declared: every system, every replication link between them, and which systems are
 * out of service. Take a failed data centre out of service with
 *   pulumi config set --path 'outOfService[0]' hcp-a
 * then `pulumi preview --diff` shows each link's documented steps, and `pulumi up` runs them (links that
 * do not depend on each other in parallel). Remove it from outOfService to recover or fail back every link,
 * in the order the documentation requires.
 *
 * Configuration:
 *   systems    JSON list of { name, endpoint, username, caFile? }
 *   passwords  secret JSON object { "<system name>": "<password>" }
 *   links      JSON list of { linkName, primary, replica, type: "ACTIVE_PASSIVE" | "ACTIVE_ACTIVE", tenants? }
 *   outOfService  JSON list of system names (default [])
 *   dnsFailover   true, false, or a JSON list of the systems with HCP DNS failover on (default false)
 *   completeRecoveryWhenBehindSeconds, waitTimeoutSeconds, pollIntervalSeconds (optional)
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { HcpSystem, ReplicationSite, SiteLinkArgs } from "pulumi-hcp-replication";

const config = new pulumi.Config();

interface SystemConfig {
  name: string;
  endpoint: string;
  username: string;
  caFile?: string;
}

const passwords = config.requireSecretObject<Record<string, string>>("passwords");
const systems: HcpSystem[] = config.requireObject<SystemConfig[]>("systems").map((s) => ({
  name: s.name,
  endpoint: s.endpoint,
  username: s.username,
  password: passwords.apply((p) => {
    const password = p[s.name];
    if (!password) throw new Error(`passwords has no entry for system ${s.name}`);
    return password;
  }),
  caCertificate: s.caFile ? fs.readFileSync(s.caFile, "utf8") : undefined,
}));

const dnsFailover = config.getObject<boolean | string[]>("dnsFailover");

const site = new ReplicationSite("site", {
  systems,
  links: config.requireObject<SiteLinkArgs[]>("links"),
  outOfService: config.getObject<string[]>("outOfService") ?? [],
  ...(dnsFailover !== undefined ? { dnsFailover } : {}),
  completeRecoveryWhenBehindSeconds: config.getNumber("completeRecoveryWhenBehindSeconds"),
  waitTimeoutSeconds: config.getNumber("waitTimeoutSeconds"),
  pollIntervalSeconds: config.getNumber("pollIntervalSeconds"),
});

/** Per link, the system serving its clients now. */
export const activeSystems = site.activeSystems;
/** Per link, what the last `up` left to do (empty once every link matches the declaration). */
export const plannedSteps = site.plannedSteps;
/** Where failback order matters, e.g. "ab before bc (chained through hcp-b)". */
export const failbackOrder = site.failbackOrder;
export const warnings = site.warnings;
