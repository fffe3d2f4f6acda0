/** The provider behind ReplicationLink. */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { MapiClient } from "../mapi/client";
import type { LinkCandidates, LinkModification, LinkView, FailoverSettings } from "../mapi/types";
import { ACTIVE_ACTIVE_CONFIG_SIDE_UNTOLD_SURVIVOR, ACTIVE_ACTIVE_FAILOVER_FIELDS, CANDIDATES_EMPTY_DIRECTORIES_UNLISTED } from "../mapi/assumptions";
import type { LinkPhase, Observation, SideObservation } from "../model/types";
import { followsFailover } from "../planner";
import { analyseActiveActive } from "../readings/activeActivePhase";
import { isActiveActiveObservation } from "../readings/linkKind";
import { analysePhase, isSuspended } from "../readings/phase";
import { Checks } from "./validate";
import { sameConnection } from "./system";
import { connect, connectPair, progressLog, warnLog } from "./runtime";
import { wireSafe, isUnknown, partialStateError } from "./wire";
import { typeChangeOf, type TypeChange } from "./linkType";
import { linkKinds, linkPriorities, LinkInputs, LinkOutputs, TypeConversion } from "./replicationLink";

type Side = "primary" | "replica";

interface LiveLink {
  side: Side;
  client: MapiClient;
  link: LinkView;
  /** Tenants and directories as the primary lists them (undefined when the primary is not authoritative). */
  content?: { tenants: string[]; defaultNamespaceDirectories: string[] };
  /** Both systems as read. */
  observation: Observation;
  /** The declared type against the live one. */
  typeChange: TypeChange;
}

function validate(news: LinkInputs): dynamic.CheckFailure[] {
  const c = new Checks();
  const p = c.system("primary", news.primary);
  const r = c.system("replica", news.replica);
  if (p && r) c.distinctSystems("primary", news.primary, "replica", news.replica);
  if (c.requiredString("linkName", news.linkName) && news.linkName.length > 64) c.fail("linkName", "linkName must be 1 to 64 characters");
  c.oneOf("type", news.type, linkKinds);
  if (c.requiredString("remoteHost", news.remoteHost) && !isRemoteHost(news.remoteHost)) {
    c.fail(
      "remoteHost",
      `remoteHost must be the replication domain of the remote system (replication.<domain> or replication.admin.<domain>), ` +
        `a host name or IP address, or a comma-separated list of the IP addresses of its replication network's nodes; got "${news.remoteHost}"`,
    );
  }
  c.boolean("compression", news.compression);
  c.boolean("encryption", news.encryption);
  c.oneOf("priority", news.priority, linkPriorities, false);
  for (const side of ["local", "remote"] as const) {
    const s = news.failoverSettings?.[side];
    if (s === undefined) continue;
    c.boolean(`failoverSettings.${side}.autoFailover`, s.autoFailover);
    c.integerInRange(`failoverSettings.${side}.autoFailoverMinutes`, s.autoFailoverMinutes, 7, 9999);
    c.boolean(`failoverSettings.${side}.autoCompleteRecovery`, s.autoCompleteRecovery);
    c.integerInRange(`failoverSettings.${side}.autoCompleteRecoveryMinutes`, s.autoCompleteRecoveryMinutes, 1, 9999);
    if (news.type === "ACTIVE_ACTIVE") {
      for (const field of Object.keys(s).filter((k) => !ACTIVE_ACTIVE_FAILOVER_FIELDS.includes(k))) {
        c.fail(
          `failoverSettings.${side}.${field}`,
          `failoverSettings.${side}.${field} applies to active/passive links only; an active/active link has ${ACTIVE_ACTIVE_FAILOVER_FIELDS.join(" and ")} on each side`,
        );
      }
    }
  }
  c.nameList("tenants", news.tenants, 64);
  c.nameList("defaultNamespaceDirectories", news.defaultNamespaceDirectories, 255);
  c.boolean("allowDeletion", news.allowDeletion);
  return c.failures;
}

/** A domain or host name, an IP address, or comma-separated node IPs of the replication network (hcp-workflows.md 5, "connection"). */
function isRemoteHost(value: string): boolean {
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/;
  if (value.includes(",")) return value.split(",").every((ip) => ipv4.test(ip.trim()));
  return /^[A-Za-z0-9.:\-[\]]+$/.test(value);
}

/** What deleting a link does beyond stopping replication (hcp-workflows.md 3c, "Considerations for deleting a replication link"). */
function deletionWarning(news: LinkInputs): string {
  const tenants = news.tenants && news.tenants.length > 0 ? `tenants ${news.tenants.join(", ")}` : "its tenants";
  return (
    `allowDeletion is set: removing this resource suspends link ${news.linkName} and deletes it on both systems. ` +
    `Its tenants then become read-write on both systems, and ${tenants} cannot be added to a new active/passive link to ` +
    `${news.replica.name} unless they are first deleted there. To stop replicating for a while, suspend the link or pause ` +
    `the tenants instead (ReplicationFailover state "suspended", pausedTenants).`
  );
}

async function readSide(client: MapiClient, linkName: string): Promise<SideObservation> {
  try {
    return { reachable: true, link: await client.getLink(linkName, { verbose: true }) };
  } catch (err) {
    return { reachable: false, error: (err as Error).message };
  }
}

/**
 * The side that takes configuration changes. Active/passive: the replica while failed over or recovering
 * (or while the primary is silent), else the primary. Active/active: the survivor while failed over, when
 * only one side answers with the link; else the primary (ACTIVE_ACTIVE_CONFIG_SIDE_UNTOLD_SURVIVOR).
 */
function authoritativeSide(obs: Observation): { side: Side; phase: LinkPhase } {
  const holds = (s: Side) => obs[s].reachable && !!obs[s].link;
  if (isActiveActiveObservation(obs)) {
    const a = analyseActiveActive(obs);
    const phase: LinkPhase = a.phase === "failedOver" ? "failedOver" : a.phase === "suspended" ? "suspended" : "replicating";
    if (a.phase === "failedOver" && a.survivor) return { side: a.survivor, phase };
    const preferred: Side = a.phase === "failedOver" ? ACTIVE_ACTIVE_CONFIG_SIDE_UNTOLD_SURVIVOR : "primary";
    const other: Side = preferred === "primary" ? "replica" : "primary";
    return { side: holds(preferred) || !holds(other) ? preferred : other, phase };
  }
  // A suspension does not change which side leads, nor whether the link can be converted.
  const phase = analysePhase(obs, undefined, true).phase;
  const replicaLeads = followsFailover("ACTIVE_PASSIVE", phase) || !obs.primary.reachable;
  return { side: replicaLeads && obs.replica.link ? "replica" : "primary", phase };
}

/** The link on the side that is authoritative now, or undefined when no side has it (not created yet). */
async function findAuthoritative(inputs: LinkInputs): Promise<LiveLink | undefined> {
  const clients = connectPair(inputs.primary, inputs.replica);
  const [primary, replica] = await Promise.all([readSide(clients.primary, inputs.linkName), readSide(clients.replica, inputs.linkName)]);
  const obs: Observation = { primary, replica, trust: { primaryTrustsReplica: "unknown", replicaTrustsPrimary: "unknown" }, now: Date.now() };
  const { side, phase } = authoritativeSide(obs);
  const link = (side === "primary" ? primary : replica).link;
  if (!link) {
    if (!primary.reachable && !replica.reachable) throw new Error(`neither ${inputs.primary.name} nor ${inputs.replica.name} answers: ${primary.error}; ${replica.error}`);
    return undefined;
  }
  const typeChange = typeChangeOf(inputs.type, obs, { linkName: inputs.linkName, primaryName: inputs.primary.name, replicaName: inputs.replica.name, phase });
  const live: LiveLink = { side, client: clients[side], link, observation: obs, typeChange };
  if (side === "primary") live.content = await clients.primary.getLinkContent(inputs.linkName);
  return live;
}

/** Eligible names listed in one check failure at most. */
const MAX_ELIGIBLE_LISTED = 10;
const NOUNS = { tenants: "tenants", defaultNamespaceDirectories: "default-namespace directories" } as const;

/** One failure per declared name that is neither on the link nor eligible for it (unknowns wait for up). */
function refuseIneligible(
  property: keyof typeof NOUNS,
  declared: string[] | undefined,
  onLink: string[],
  eligible: string[],
  at: { link: string; system: string },
): dynamic.CheckFailure[] {
  const allowed = new Set([...onLink, ...eligible].map((n) => n.toLowerCase()));
  const more = eligible.length - MAX_ELIGIBLE_LISTED;
  const listed = eligible.length === 0 ? "none" : eligible.slice(0, MAX_ELIGIBLE_LISTED).join(", ") + (more > 0 ? `, and ${more} more` : "");
  return (declared ?? []).flatMap((name, i) =>
    isUnknown(name) || allowed.has(name.toLowerCase())
      ? []
      : [{ property: `${property}[${i}]`, reason: `${property}[${i}] "${name}" is not on link ${at.link} and not eligible for it on ${at.system}; eligible ${NOUNS[property]}: ${listed}` }],
  );
}

/**
 * Declared tenants (and directories, when listed) that the primary could not add: HCP would answer 404 only
 * at `up`, possibly after other changes. Only GETs; a system that cannot list candidates is not refused.
 */
async function ineligibleContent(news: LinkInputs, live: LiveLink, drift: Drift): Promise<dynamic.CheckFailure[]> {
  if (!live.content) return []; // the replica leads: content is neither read nor changed now
  const { tenants: onLink, defaultNamespaceDirectories: dirsOnLink } = live.content;
  // Nothing to add: no reason to ask what could be added (a steady-state check costs no extra request).
  if (![...drift.addTenants, ...drift.addDirectories].some((n) => !isUnknown(n))) return [];
  let candidates: LinkCandidates;
  try {
    candidates = await live.client.getLocalCandidates(news.linkName);
  } catch (err) {
    warnLog(`ReplicationLink ${news.linkName}`)(`cannot list the candidates of link ${news.linkName} on ${news.primary.name}, tenants are not checked: ${(err as Error).message}`);
    return [];
  }
  const at = { link: news.linkName, system: `${news.primary.name} (primary)` };
  const failures = refuseIneligible("tenants", news.tenants, onLink, candidates.tenants, at);
  // An empty directory list may only mean "not listed" (see CANDIDATES_EMPTY_DIRECTORIES_UNLISTED).
  if (candidates.defaultNamespaceDirectories.length > 0 || !CANDIDATES_EMPTY_DIRECTORIES_UNLISTED) {
    failures.push(...refuseIneligible("defaultNamespaceDirectories", news.defaultNamespaceDirectories, dirsOnLink, candidates.defaultNamespaceDirectories, at));
  }
  return failures;
}

/** As the replica sees it, "local" and "remote" failover settings are the other way round. */
function forSide(settings: FailoverSettings | undefined, side: "primary" | "replica"): FailoverSettings | undefined {
  if (!settings || side === "primary") return settings;
  return { local: settings.remote, remote: settings.local };
}

function sameSettings(wanted: FailoverSettings | undefined, live: FailoverSettings): boolean {
  if (!wanted) return true;
  return (["local", "remote"] as const).every((side) =>
    Object.entries(wanted[side] ?? {}).every(([k, v]) => (live[side] as Record<string, unknown> | undefined)?.[k] === v),
  );
}

interface Drift {
  modification: LinkModification;
  addTenants: string[];
  removeTenants: string[];
  addDirectories: string[];
  removeDirectories: string[];
  lines: string[];
}

function driftOf(inputs: LinkInputs, live: LiveLink): Drift {
  const modification: LinkModification = {};
  const lines: string[] = [];
  const at = `on ${live.side === "primary" ? inputs.primary.name : inputs.replica.name} (${live.side})`;
  for (const key of ["compression", "encryption", "priority"] as const) {
    if (inputs[key] !== undefined && inputs[key] !== live.link[key]) {
      (modification as Record<string, unknown>)[key] = inputs[key];
      lines.push(`4. ${key}: ${String(live.link[key])} -> ${String(inputs[key])} ${at}`);
    }
  }
  const settings = forSide(inputs.failoverSettings, live.side);
  if (settings && !sameSettings(settings, live.link.failoverSettings)) {
    modification.failoverSettings = settings;
    lines.push(`4. failoverSettings -> ${JSON.stringify(inputs.failoverSettings)} ${at}`);
  }
  if (live.side === "primary" && live.link.connection.remoteHost !== inputs.remoteHost) {
    modification.connection = { remoteHost: inputs.remoteHost };
    lines.push(`4. remoteHost: ${live.link.connection.remoteHost} -> ${inputs.remoteHost} ${at}`);
  }
  if (live.typeChange.kind === "convert") lines.unshift(live.typeChange.line);
  const drift: Drift = { modification, addTenants: [], removeTenants: [], addDirectories: [], removeDirectories: [], lines };
  if (live.content) {
    const diffNames = (wanted: string[] | undefined, have: string[]) => ({
      add: (wanted ?? have).filter((n) => !have.some((h) => h.toLowerCase() === n.toLowerCase())),
      remove: wanted === undefined ? [] : have.filter((h) => !wanted.some((n) => n.toLowerCase() === h.toLowerCase())),
    });
    const t = diffNames(inputs.tenants, live.content.tenants);
    const d = diffNames(inputs.defaultNamespaceDirectories, live.content.defaultNamespaceDirectories);
    Object.assign(drift, { addTenants: t.add, removeTenants: t.remove, addDirectories: d.add, removeDirectories: d.remove });
    t.add.forEach((n) => lines.push(`4. add tenant ${n} ${at}`));
    t.remove.forEach((n) => lines.push(`4. remove tenant ${n} ${at}`));
    d.add.forEach((n) => lines.push(`4. add default-namespace directory ${n} ${at}`));
    d.remove.forEach((n) => lines.push(`4. remove default-namespace directory ${n} ${at}`));
  }
  return drift;
}

async function applyDrift(inputs: LinkInputs, live: LiveLink, drift: Drift, log: (line: string) => void): Promise<void> {
  if (Object.keys(drift.modification).length > 0) await live.client.modifyLink(inputs.linkName, drift.modification);
  for (const t of drift.addTenants) await live.client.addTenant(inputs.linkName, t);
  for (const t of drift.removeTenants) await live.client.removeTenant(inputs.linkName, t);
  for (const d of drift.addDirectories) await live.client.addDirectory(inputs.linkName, d);
  for (const d of drift.removeDirectories) await live.client.removeDirectory(inputs.linkName, d);
  drift.lines.forEach((line) => log(line));
}

/** Whether each side that answers shows the link suspended. */
function suspendedSides(obs: Observation): Side[] {
  return (["primary", "replica"] as const).filter((s) => obs[s].reachable && obs[s].link && (obs[s].link!.suspended === true || obs[s].link!.statusMessage === "Suspended by user"));
}

/**
 * Sends the conversion to active/active on the primary and notes which sides it suspended (those that
 * were not suspended before): those, and only those, are resumed.
 */
async function convertToActiveActive(inputs: LinkInputs, live: LiveLink, log: (line: string) => void): Promise<TypeConversion> {
  const before = suspendedSides(live.observation);
  log(`converting link ${inputs.linkName} to active/active on ${inputs.primary.name} (HCP suspends it until it is resumed)`);
  await connect(inputs.primary).modifyLink(inputs.linkName, { type: "ACTIVE_ACTIVE" });
  const after = await findAuthoritative(inputs);
  const suspendedNow = after ? suspendedSides(after.observation) : [];
  return {
    from: "ACTIVE_PASSIVE",
    to: "ACTIVE_ACTIVE",
    at: new Date().toISOString(),
    resumedOn: [],
    toResume: suspendedNow.filter((s) => !before.includes(s)).map((s) => inputs[s].name),
  };
}

/** Resumes the link on each system the conversion suspended; what is left stays in `toResume`. */
async function resumeAfterConversion(inputs: LinkInputs, conversion: TypeConversion, log: (line: string) => void): Promise<TypeConversion> {
  const done = { ...conversion, resumedOn: [...conversion.resumedOn], toResume: [...conversion.toResume] };
  for (const name of conversion.toResume) {
    const side = (["primary", "replica"] as const).find((s) => inputs[s].name === name);
    if (!side) continue;
    const client = connect(inputs[side]);
    const link = await client.getLink(inputs.linkName, { verbose: true });
    if (link?.suspended === true || link?.statusMessage === "Suspended by user") {
      await client.runLinkAction(inputs.linkName, "resume");
      log(`resumed link ${inputs.linkName} on ${name} (suspended by the conversion to active/active)`);
    }
    done.resumedOn.push(name);
    done.toResume = done.toResume.filter((n) => n !== name);
  }
  return done;
}

async function converge(inputs: LinkInputs, previous?: TypeConversion): Promise<LinkOutputs> {
  const log = progressLog(`ReplicationLink ${inputs.linkName}`);
  let live = await findAuthoritative(inputs);
  if (!live) {
    const primary = connect(inputs.primary);
    const kind = inputs.type === "ACTIVE_ACTIVE" ? "active/active" : "active/passive";
    log(`creating ${kind} link ${inputs.linkName} on ${inputs.primary.name} to ${inputs.remoteHost}`);
    await primary.createLink({
      name: inputs.linkName,
      type: inputs.type === "ACTIVE_ACTIVE" ? "ACTIVE_ACTIVE" : "OUTBOUND",
      connection: { remoteHost: inputs.remoteHost },
      compression: inputs.compression,
      encryption: inputs.encryption,
      priority: inputs.priority,
      failoverSettings: inputs.failoverSettings,
    });
    live = await findAuthoritative(inputs);
    if (!live) throw new Error(`${inputs.primary.name} accepted link ${inputs.linkName} but does not list it`);
  }
  if (live.typeChange.kind === "refuse") throw new Error(live.typeChange.reason);
  let conversion = previous?.toResume.length ? previous : undefined;
  const outputsSoFar = (): LinkOutputs => ({ ...inputs, liveDrift: [], linkId: live!.side === "primary" ? (live!.link.id ?? "") : "", authoritativeSide: live!.side, typeConversion: conversion ?? previous });
  try {
    if (live.typeChange.kind === "convert") {
      conversion = await convertToActiveActive(inputs, live, log);
      live = (await findAuthoritative(inputs)) ?? live;
    }
    if (live.side === "replica" && (inputs.tenants || inputs.defaultNamespaceDirectories)) {
      warnLog(`ReplicationLink ${inputs.linkName}`)(`the link is failed over: tenant and directory changes wait until the primary is authoritative again`);
    }
    await applyDrift(inputs, live, driftOf(inputs, live), log);
    if (conversion) conversion = await resumeAfterConversion(inputs, conversion, log);
  } catch (err) {
    // Keep what happened (a conversion waiting to be resumed), so the next `up` finishes it.
    if (conversion) throw partialStateError(inputs.linkName, outputsSoFar(), err, `the next \`pulumi up\` resumes link ${inputs.linkName} on ${conversion.toResume.join(" and ") || "the systems"}`);
    throw err;
  }
  return outputsSoFar();
}

export const provider = wireSafe<LinkInputs, LinkOutputs>({
  async check(_olds, news) {
    const failures = validate(news);
    if (failures.length > 0) return { failures };
    if (news.allowDeletion === true) warnLog(`ReplicationLink ${news.linkName}`)(deletionWarning(news));
    if ([news.primary.endpoint, news.replica.endpoint, news.primary.password, news.replica.password, news.linkName].some(isUnknown)) {
      return { inputs: { ...news, liveDrift: [] } };
    }
    let liveDrift: string[];
    try {
      const live = await findAuthoritative(news);
      if (!live) return { inputs: { ...news, liveDrift: [`create link ${news.linkName} on ${news.primary.name}`] } };
      if (live.typeChange.kind === "refuse") return { failures: [{ property: "type", reason: live.typeChange.reason }] };
      const drift = driftOf(news, live);
      const ineligible = await ineligibleContent(news, live, drift);
      if (ineligible.length > 0) return { failures: ineligible };
      liveDrift = drift.lines;
    } catch (err) {
      liveDrift = []; // neither system answers: nothing can be planned, and nothing must fail preview
      warnLog(`ReplicationLink ${news.linkName}`)((err as Error).message);
    }
    return { inputs: { ...news, liveDrift } };
  },

  async diff(_id, olds, news) {
    const replaces = olds.linkName?.toLowerCase() !== news.linkName?.toLowerCase() || olds.primary?.endpoint !== news.primary?.endpoint ? ["linkName"] : [];
    const keys = ["type", "remoteHost", "compression", "encryption", "priority", "failoverSettings", "tenants", "defaultNamespaceDirectories", "allowDeletion"] as const;
    const unfinished = (olds.typeConversion?.toResume ?? []).length > 0; // a conversion still to be resumed
    const changed =
      keys.some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])) ||
      !sameConnection(olds.primary, news.primary) ||
      !sameConnection(olds.replica, news.replica) ||
      (news.liveDrift ?? []).length > 0 ||
      unfinished;
    return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: true };
  },

  async create(inputs) {
    const outs = await converge(inputs);
    return { id: inputs.linkName, outs };
  },

  async update(_id, olds, news) {
    return { outs: await converge(news, olds.typeConversion) };
  },

  async read(id, props) {
    if (!props) throw new Error(`ReplicationLink ${id}: import is not supported`);
    const live = await findAuthoritative(props);
    if (!live) {
      // The link is gone from both systems: the resource no longer exists.
      return { id: "", props: props };
    }
    const refreshed: LinkInputs = {
      ...props,
      type: live.link.type === "ACTIVE_ACTIVE" ? "ACTIVE_ACTIVE" : "ACTIVE_PASSIVE",
      compression: live.link.compression,
      encryption: live.link.encryption,
      priority: live.link.priority,
      remoteHost: live.side === "primary" ? live.link.connection.remoteHost : props.remoteHost,
      tenants: live.content ? live.content.tenants : props.tenants,
      defaultNamespaceDirectories: live.content ? live.content.defaultNamespaceDirectories : props.defaultNamespaceDirectories,
      liveDrift: [],
    };
    return { id, props: { ...props, ...refreshed, authoritativeSide: live.side }, inputs: refreshed as LinkOutputs }; // ReadResult types inputs as Outputs
  },

  async delete(id, props) {
    if (props.allowDeletion !== true) {
      throw new Error(
        `refusing to delete replication link ${props.linkName}: deleting it stops replication between ${props.primary.name} and ${props.replica.name}. ` +
          `To delete it, set allowDeletion: true on the ReplicationLink, run \`pulumi up\`, then remove it; to stop managing it without deleting, run \`pulumi state delete\` on its URN.`,
      );
    }
    const log = progressLog(`ReplicationLink ${id}`);
    for (const side of ["primary", "replica"] as const) {
      const client = connect(props[side]);
      try {
        const link = await client.getLink(props.linkName, { verbose: true });
        if (link) {
          // A link can be deleted only while it is suspended (hcp-workflows.md 3c).
          if (!isSuspended(link)) {
            await client.runLinkAction(props.linkName, "suspend");
            log(`suspended link ${props.linkName} on ${props[side].name} before deleting it (HCP deletes only a suspended link)`);
          }
          await client.deleteLink(props.linkName);
          log(`deleted link ${props.linkName} on ${props[side].name}`);
        }
      } catch (err) {
        throw new Error(`could not delete link ${props.linkName} on ${props[side].name}: ${(err as Error).message}`);
      }
    }
  },
});
