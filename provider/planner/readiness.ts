/**
 * Readiness: before an outage, whether the declared failover or recovery will work, from what the systems
 * report: the account's role on each, trust both ways, the expiry of every replication certificate, the
 * replication service, the link's status, paused tenants, DNS failover, the lag against the RPO budget, and
 * the release pairing. Pure: the readings come in. A fail is blocking when a planned step needs what it is
 * about; preview then fails on it, as on a refusal.
 */
import { editionOf, isCrossRelease, REPLICATION_MAPI_FROM_RELEASE } from "../mapi/assumptions";
import { lagFigures } from "../model/format";
import { sideLabel } from "../model/labels";
import type { DeclaredState, Observation, Plan, PlannedStep, PlanOptions, ReadinessItem, Side, SystemReadiness } from "../model/types";
import { dnsFailoverOn } from "../readings/conditions";
import { lagKnown, replicationLag } from "../readings/lag";

/** A certificate expiring within this many days is a warning. */
export const EXPIRY_WARNING_DAYS = 30;

const SIDES: readonly Side[] = ["primary", "replica"];
const DAY_MS = 86_400_000;

/** Actions that need the two systems in contact, trusting each other's replication certificates. */
const CONTACT_ACTIONS = new Set(["restore", "beginRecovery", "completeRecovery", "failBack", "resume"]);

export interface ReadinessInput {
  declared: DeclaredState;
  obs: Observation;
  opts: PlanOptions;
  plan: Plan;
  systems: Partial<Record<Side, SystemReadiness>>;
  /** Now, on the systems' clock (certificate dates are absolute; the statistics are on their clock). */
  now: number;
}

const steps = (plan: Plan): PlannedStep[] => (plan.ok ? plan.steps : []);
const actsOn = (plan: Plan, side: Side) => steps(plan).some((s) => s.kind === "action" && s.side === side);
const needsContact = (plan: Plan) => steps(plan).some((s) => (s.action && CONTACT_ACTIONS.has(s.action)) || s.check === "certificatesTrusted");

function item(check: string, status: ReadinessItem["status"], detail: string, wayForward?: string, blocking = false): ReadinessItem {
  return { check, status, detail, ...(wayForward ? { wayForward } : {}), ...(blocking && status === "fail" ? { blocking: true as const } : {}) };
}

function role(input: ReadinessInput, side: Side): ReadinessItem {
  const { obs, opts, plan, systems } = input;
  const label = sideLabel(side, opts);
  const check = `role on ${opts[side === "primary" ? "primaryName" : "replicaName"]}`;
  if (!obs[side].reachable) return item(check, "warn", `${label} does not answer: the account's role cannot be read`);
  const found = systems[side]?.role;
  if (found === "ADMINISTRATOR") return item(check, "pass", `the account may change replication on ${label} (administrator role)`);
  if (found === "MONITOR") {
    const acts = actsOn(plan, side);
    return item(
      check,
      acts ? "fail" : "warn",
      `the account has the monitor role only on ${label}: it reads replication but cannot change it (downloading the server certificate was refused with 403)` +
        (acts ? "; the planned steps act on it" : "; a failover or recovery will need to act on it"),
      `Give the account the administrator role on ${label} (a system-level account: monitor to read, administrator to change), or use one that has it.`,
      acts,
    );
  }
  return item(check, "warn", `the account's role on ${label} could not be read (${systems[side]?.errors.join("; ") || "not read"})`);
}

/**
 * Never blocking: the ReplicationCertificateTrust resources upload the certificates in the same `up`, before
 * the failover's certificate step checks them (and refuses if they are still missing).
 */
function trust(input: ReadinessInput): ReadinessItem[] {
  const { obs, opts, plan } = input;
  const needed = needsContact(plan);
  const directions: Array<[Side, Side, boolean | "unknown"]> = [
    ["primary", "replica", obs.trust.primaryTrustsReplica],
    ["replica", "primary", obs.trust.replicaTrustsPrimary],
  ];
  return directions.map(([by, of, trusted]) => {
    const check = `trust: ${opts[by === "primary" ? "primaryName" : "replicaName"]} trusts ${opts[of === "primary" ? "primaryName" : "replicaName"]}`;
    if (trusted === true) return item(check, "pass", `${sideLabel(by, opts)} trusts the replication server certificate of ${sideLabel(of, opts)}`);
    if (trusted === false) {
      return item(
        check,
        needed ? "fail" : "warn",
        `${sideLabel(by, opts)} does not trust the replication server certificate of ${sideLabel(of, opts)}: restore, data recovery, failBack and resume need it` +
          (needed ? "; the planned certificate step checks it again after the ReplicationCertificateTrust resources run" : ""),
        `Declare a ReplicationCertificateTrust (certificateOf ${opts[of === "primary" ? "primaryName" : "replicaName"]}, trustedBy ${opts[by === "primary" ? "primaryName" : "replicaName"]}), or upload the certificate in the System Management Console.`,
      );
    }
    return item(check, "warn", `whether ${sideLabel(by, opts)} trusts ${sideLabel(of, opts)} could not be read`);
  });
}

function expiry(input: ReadinessInput, side: Side): ReadinessItem[] {
  const { opts, plan, systems, now } = input;
  const name = opts[side === "primary" ? "primaryName" : "replicaName"];
  const check = `certificate expiry on ${name}`;
  const certificates = systems[side]?.certificates;
  if (!certificates) return input.obs[side].reachable ? [item(check, "warn", `the replication certificates of ${sideLabel(side, opts)} could not be read`)] : [];
  const out: ReadinessItem[] = [];
  for (const c of certificates) {
    const expires = Date.parse(c.expiresOn);
    if (!Number.isFinite(expires)) continue;
    const days = Math.floor((expires - now) / DAY_MS);
    const what = c.id === "server" ? `the replication server certificate of ${name}` : `the certificate ${name} trusts (id ${c.id})`;
    if (expires <= now) {
      out.push(
        item(
          check,
          "fail",
          `${what}, "${c.subjectDN}", expired on ${c.expiresOn}: replication between the systems stops working with it`,
          `Install a new replication server certificate where it belongs, upload it to the other system (ReplicationCertificateTrust does), then re-run.`,
          needsContact(plan),
        ),
      );
    } else if (days < EXPIRY_WARNING_DAYS) {
      out.push(item(check, "warn", `${what}, "${c.subjectDN}", expires on ${c.expiresOn} (in ${days} days)`, `Renew it before it expires and upload it to the other system.`));
    }
  }
  if (out.length === 0) out.push(item(check, "pass", `no replication certificate of ${name} expires within ${EXPIRY_WARNING_DAYS} days (${certificates.length} checked)`));
  return out;
}

function service(input: ReadinessInput, side: Side): ReadinessItem {
  const { obs, opts, plan } = input;
  const check = `replication service on ${opts[side === "primary" ? "primaryName" : "replicaName"]}`;
  if (!obs[side].reachable) return item(check, "warn", `${sideLabel(side, opts)} does not answer`);
  const status = obs[side].service?.status;
  if (status === "ENABLED") return item(check, "pass", `the replication service of ${sideLabel(side, opts)} is ENABLED`);
  if (status === "SHUTDOWN") {
    return item(
      check,
      "fail",
      `the replication service of ${sideLabel(side, opts)} is SHUTDOWN (shutDownAllLinks): no link replicates or recovers there`,
      `POST /mapi/services/replication?reestablishAllLinks on ${sideLabel(side, opts)} (or Reestablish in its console) returns each link to its state before the shutdown; resuming a link would not.`,
      steps(plan).some((s) => s.kind !== "notice" && (s.side === side || s.check !== undefined)),
    );
  }
  return item(check, "warn", `the replication service status of ${sideLabel(side, opts)} could not be read`);
}

function linkStatus(input: ReadinessInput, side: Side): ReadinessItem | undefined {
  const { obs, opts } = input;
  const link = obs[side].reachable ? obs[side].link : undefined;
  if (!link) return undefined;
  const check = `link status on ${opts[side === "primary" ? "primaryName" : "replicaName"]}`;
  const said = `${link.status ?? "no status"}, "${link.statusMessage ?? "no statusMessage"}"`;
  if (link.status === "BAD") return item(check, "warn", `link ${opts.linkName} is unhealthy on ${sideLabel(side, opts)}: ${said}`, `Read the system log of ${sideLabel(side, opts)}.`);
  return item(check, "pass", `link ${opts.linkName} on ${sideLabel(side, opts)}: ${said}`);
}

function tenants(input: ReadinessInput): ReadinessItem {
  const { obs, opts } = input;
  const check = "paused tenants";
  if (!obs.tenants) return item(check, "warn", `the tenants of link ${opts.linkName} could not be read`);
  const declared = new Set((opts.pausedTenants ?? []).map((t) => t.toLowerCase()));
  const held = Object.entries(obs.tenants.statuses).filter(([t, s]) => s !== "REPLICATING" && !declared.has(t.toLowerCase()));
  if (held.length === 0) return item(check, "pass", `no tenant of link ${opts.linkName} is paused unless declared (${Object.keys(obs.tenants.statuses).length} read)`);
  return item(
    check,
    "warn",
    `${held.map(([t, s]) => `tenant ${t} is ${s}`).join(", ")} on link ${opts.linkName}: its data does not replicate, so a failover leaves it behind`,
    held.some(([, s]) => s === "AUTO_PAUSED")
      ? `HCP paused it by itself: fix the cause (the system log names it), then resume it (or leave it out of pausedTenants, which resumes it).`
      : `Resume it (POST …/content/tenants/<t>?resume), or declare it in pausedTenants if it is meant to be paused.`,
  );
}

function dns(input: ReadinessInput): ReadinessItem {
  const { obs, opts } = input;
  const check = "DNS failover";
  const reports = SIDES.filter((s) => obs[s].reachable && obs[s].service?.dnsFailover !== undefined).map((s) => `${sideLabel(s, opts)} enableDNSFailover ${obs[s].service?.dnsFailover}`);
  if (reports.length === 0) return item(check, "warn", `no system reports enableDNSFailover; the plan ${opts.dnsFailover === undefined ? "takes it as off" : `follows the declared dnsFailover ${opts.dnsFailover}`}`);
  const on = dnsFailoverOn(obs, "replica", undefined);
  if (opts.dnsFailover !== undefined && opts.dnsFailover !== on) {
    return item(check, "warn", `dnsFailover is declared ${opts.dnsFailover}, but ${reports.join(", ")}: the plan follows the systems`, `Remove dnsFailover, or change the setting in the System Management Console.`);
  }
  return item(check, "pass", `${reports.join(", ")}: ${on ? "HCP redirects clients itself" : "the plan tells when clients must be redirected"}`);
}

function lag(input: ReadinessInput): ReadinessItem {
  const { obs, opts } = input;
  const check = "lag";
  const budget = opts.maxDataLossSeconds ?? 0;
  const reading = replicationLag(obs);
  if (!lagKnown(reading)) {
    return item(check, "warn", `the lag cannot be read (${obs.primary.reachable ? `${opts.primaryName} reports no objectsPending, or cannot reach ${opts.replicaName}` : `${opts.primaryName} does not answer`})`);
  }
  const within = reading.objects === 0 || (budget > 0 && reading.seconds !== undefined && reading.seconds <= budget);
  const figures = `${opts.replicaName} is ${lagFigures(reading)} behind ${opts.primaryName}`;
  return within
    ? item(check, "pass", `${figures}: within maxDataLossSeconds ${budget}`)
    : item(check, "warn", `${figures}: a failover now would leave that behind (maxDataLossSeconds ${budget})`, `A planned switchover waits for it; an unplanned failover cannot.`);
}

function release(input: ReadinessInput): ReadinessItem {
  const { obs, opts } = input;
  const check = "release pairing";
  const versions = SIDES.map((s) => obs[s].softwareVersion);
  const missing = SIDES.find((s) => obs[s].replicationMapi === false);
  if (missing) {
    return item(
      check,
      "fail",
      `${sideLabel(missing, opts)} runs HCP ${obs[missing].softwareVersion}, without the replication Management API (from ${REPLICATION_MAPI_FROM_RELEASE}.0)`,
      `Upgrade it to HCP ${REPLICATION_MAPI_FROM_RELEASE}.0 or later.`,
      true,
    );
  }
  if (versions.some((v) => v === undefined)) return item(check, "warn", `the release of ${SIDES.filter((s, i) => versions[i] === undefined).map((s) => sideLabel(s, opts)).join(" and ")} is not known`);
  if (isCrossRelease(versions[0], versions[1])) {
    return item(
      check,
      "warn",
      `cross-release link: ${opts.primaryName} ${versions[0]}, ${opts.replicaName} ${versions[1]} (the ${editionOf(versions[0], versions[1])} tables; a restore may leave a request a person accepts in the console, and multipart objects may auto-pause tenants)`,
    );
  }
  return item(check, "pass", `both systems run HCP ${versions[0]?.split(".")[0]}.x`);
}

/** Every readiness check of one link, in a fixed order. */
export function readinessOf(input: ReadinessInput): ReadinessItem[] {
  return [
    ...SIDES.map((s) => role(input, s)),
    ...trust(input),
    ...SIDES.flatMap((s) => expiry(input, s)),
    ...SIDES.map((s) => service(input, s)),
    ...SIDES.flatMap((s) => linkStatus(input, s) ?? []),
    tenants(input),
    dns(input),
    lag(input),
    release(input),
  ];
}

/** `readiness: 12 pass, 1 warn, 0 fail; warn: certificate expiry on hcp-b (…)`: the summary preview prints. */
export function readinessSummary(items: readonly ReadinessItem[]): string {
  const count = (s: ReadinessItem["status"]) => items.filter((i) => i.status === s).length;
  const notable = items.filter((i) => i.status !== "pass").map((i) => `${i.status}: ${i.check} (${i.detail})`);
  return `readiness: ${count("pass")} pass, ${count("warn")} warn, ${count("fail")} fail${notable.length > 0 ? `; ${notable.join("; ")}` : ""}`;
}
