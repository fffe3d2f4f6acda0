import { readFile } from "node:fs/promises";
import { BEGIN_RECOVERY_SPELLINGS, OMITTABLE_STATISTICS, type BeginRecoverySpelling, type UnknownActionParameters } from "./model/assumptions";
import { defaultQuirks, type AccountRole, type Quirks, type UserAccount } from "./model/system";

/** The simulator's configuration: JSON file or object, every field optional. */

export interface UserConfig {
  readonly username: string;
  readonly password: string;
  /** "local" (HCP scheme, default) or "ad" (AD scheme; username is `user@domain`). */
  readonly type?: "local" | "ad";
  /** Default: both ADMINISTRATOR and MONITOR. */
  readonly roles?: readonly AccountRole[];
}

export interface SystemConfig {
  readonly name: string;
  /** MAPI/data port on 127.0.0.1; 0 or omitted = ephemeral. */
  readonly port?: number;
  /** `X-HCP-SoftwareVersion`; default 9.2.27. */
  readonly softwareVersion?: string;
  /** Accounts; default the top-level `users`, else admin (local) and admin@corp.example (AD). */
  readonly users?: readonly UserConfig[];
  /** Tenants besides those of the links; default none. */
  readonly tenants?: readonly string[];
  /** The host name links use to reach this system; default `<name>.example.com`. */
  readonly replicationHost?: string;
  /** replicationService.enableDNSFailover at start; default false. */
  readonly enableDNSFailover?: boolean;
  /** Days until this system's replication server certificate expires (negative: expired that long ago); default 1825. */
  readonly replicationCertificateExpiresInDays?: number;
  /** HCP's documented delays and quirks to play (simulator/README.md, "Delays and quirks"); default none. */
  readonly quirks?: QuirksConfig;
}

/** Every field optional; see `Quirks` in model/system.ts. */
export interface QuirksConfig {
  /** Simulated seconds beginRecovery is refused after a trusted certificate upload; default 0. */
  readonly beginRecoveryUnavailableSeconds?: number;
  /** "beginRecovery" (default), "beginRecover" or "both". */
  readonly beginRecoverySpelling?: BeginRecoverySpelling;
  /** "reject" (default: 400) or "ignore" (200, no effect, as documented). */
  readonly unknownActionParameters?: UnknownActionParameters;
  /** Verbose link statistics fields left out, e.g. ["objectsPending", "bytesPending"]; default none. */
  readonly omitStatistics?: readonly string[];
}

export interface LinkConfig {
  readonly name: string;
  /** Name of the primary system (active/passive: it sees the link as OUTBOUND). */
  readonly primary: string;
  /** Name of the replica system (INBOUND). */
  readonly replica: string;
  /** Default ACTIVE_PASSIVE. */
  readonly type?: "ACTIVE_PASSIVE" | "ACTIVE_ACTIVE";
  readonly tenants?: readonly string[];
  readonly directories?: readonly string[];
  /** Upload each system's replication server certificate to the other at start; default true. */
  readonly exchangeCertificates?: boolean;
}

/** Replication throughput in simulated time; an omitted limit does not limit. */
export interface ReplicationRateConfig {
  readonly bytesPerSecond?: number;
  readonly objectsPerSecond?: number;
}

export interface SimulatorConfig {
  /** Default: hcp-a and hcp-b. */
  readonly systems?: readonly SystemConfig[];
  /** Default: link-ab (hcp-a -> hcp-b, tenants finance and media) when `systems` is omitted too, else none. */
  readonly links?: readonly LinkConfig[];
  /** Simulated milliseconds per real millisecond; default 1; 0 freezes time. */
  readonly timeSpeed?: number;
  /** Default 10 objects/s and 10 MiB/s. */
  readonly replicationRate?: ReplicationRateConfig;
  /** Accounts for systems that have no `users` of their own. */
  readonly users?: readonly UserConfig[];
  /** Port of the control endpoint; 0 or omitted = ephemeral. */
  readonly controlPort?: number;
  /** Real milliseconds between replication steps; default 200. */
  readonly tickMs?: number;
}

/** A configuration with every default applied and checked. */
export interface ResolvedConfig {
  readonly systems: ReadonlyArray<{
    readonly name: string;
    readonly port: number;
    readonly softwareVersion: string;
    readonly users: readonly UserAccount[];
    readonly tenants: readonly string[];
    readonly replicationHost: string;
    readonly enableDNSFailover: boolean;
    readonly replicationCertificateExpiresInDays: number;
    readonly quirks: Quirks;
  }>;
  readonly links: ReadonlyArray<Required<LinkConfig>>;
  readonly timeSpeed: number;
  readonly replicationRate: ReplicationRateConfig;
  readonly controlPort: number;
  readonly tickMs: number;
}

export const DEFAULT_PASSWORD = "hcp-sim-password";
export const DEFAULT_SOFTWARE_VERSION = "9.2.27";

/** The default accounts: local `admin` and AD `admin@corp.example`, same password. */
export function defaultUsers(password = DEFAULT_PASSWORD): UserConfig[] {
  return [
    { username: "admin", password, type: "local", roles: ["ADMINISTRATOR", "MONITOR"] },
    { username: "admin@corp.example", password, type: "ad", roles: ["ADMINISTRATOR", "MONITOR"] },
  ];
}

/** Two systems, hcp-a (primary) and hcp-b (replica), one active/passive link with tenants finance and media. */
export function defaultConfig(): SimulatorConfig {
  return {
    systems: [
      { name: "hcp-a", softwareVersion: DEFAULT_SOFTWARE_VERSION },
      { name: "hcp-b", softwareVersion: DEFAULT_SOFTWARE_VERSION },
    ],
    users: defaultUsers(),
    links: [{ name: "link-ab", primary: "hcp-a", replica: "hcp-b", type: "ACTIVE_PASSIVE", tenants: ["finance", "media"], directories: [], exchangeCertificates: true }],
    timeSpeed: 1,
    replicationRate: { objectsPerSecond: 10, bytesPerSecond: 10 * 1024 * 1024 },
    tickMs: 200,
  };
}

/** Reads a JSON configuration file. */
export async function loadConfigFile(path: string): Promise<SimulatorConfig> {
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text) as SimulatorConfig;
  } catch (error) {
    throw new Error(`Config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Applies defaults and checks the configuration; errors name the property. */
export function resolveConfig(config: SimulatorConfig = {}): ResolvedConfig {
  const defaults = defaultConfig();
  const systems = config.systems ?? defaults.systems ?? [];
  const links = config.links ?? (config.systems ? [] : (defaults.links ?? []));
  check(Array.isArray(systems) && systems.length > 0, "systems: at least one system is required");
  check(Array.isArray(links), "links: must be an array");
  const names = new Set<string>();
  const resolvedSystems = systems.map((system, index) => {
    const where = `systems[${index}]`;
    check(typeof system.name === "string" && /^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/.test(system.name), `${where}.name: letters, digits, '.' and '-' (1-63)`);
    check(!names.has(system.name.toLowerCase()), `${where}.name: '${system.name}' is used twice`);
    names.add(system.name.toLowerCase());
    const port = system.port ?? 0;
    check(Number.isInteger(port) && port >= 0 && port <= 65535, `${where}.port: an integer 0..65535`);
    const softwareVersion = system.softwareVersion ?? DEFAULT_SOFTWARE_VERSION;
    check(/^\d+(\.\d+)*$/.test(softwareVersion), `${where}.softwareVersion: like 9.2.27`);
    const userConfigs: readonly UserConfig[] = system.users ?? config.users ?? defaultUsers();
    const users = userConfigs.map((user, u) => resolveUser(user, `${where}.users[${u}]`));
    check(users.some((u) => u.type === "local" && u.roles.includes("ADMINISTRATOR")), `${where}.users: needs a local account with the ADMINISTRATOR role`);
    const tenants = system.tenants ?? [];
    check(Array.isArray(tenants) && tenants.every((t) => typeof t === "string" && t.length > 0), `${where}.tenants: an array of names`);
    return {
      name: system.name,
      port,
      softwareVersion,
      users,
      tenants,
      replicationHost: system.replicationHost ?? `${system.name}.example.com`,
      enableDNSFailover: system.enableDNSFailover ?? false,
      replicationCertificateExpiresInDays: expiresInDays(system.replicationCertificateExpiresInDays, `${where}.replicationCertificateExpiresInDays`),
      quirks: resolveQuirks(system.quirks, defaultQuirks(), `${where}.quirks`),
    };
  });
  const linkNames = new Set<string>();
  const resolvedLinks = links.map((link, index): Required<LinkConfig> => {
    const where = `links[${index}]`;
    check(typeof link.name === "string" && link.name.length >= 1 && link.name.length <= 64, `${where}.name: 1-64 characters`);
    check(!linkNames.has(link.name.toLowerCase()), `${where}.name: '${link.name}' is used twice`);
    linkNames.add(link.name.toLowerCase());
    check(names.has(String(link.primary).toLowerCase()), `${where}.primary: not one of the systems`);
    check(names.has(String(link.replica).toLowerCase()), `${where}.replica: not one of the systems`);
    check(link.primary.toLowerCase() !== link.replica.toLowerCase(), `${where}: primary and replica must differ`);
    const type = link.type ?? "ACTIVE_PASSIVE";
    check(type === "ACTIVE_PASSIVE" || type === "ACTIVE_ACTIVE", `${where}.type: ACTIVE_PASSIVE or ACTIVE_ACTIVE`);
    return {
      name: link.name,
      primary: link.primary,
      replica: link.replica,
      type,
      tenants: link.tenants ?? [],
      directories: link.directories ?? [],
      exchangeCertificates: link.exchangeCertificates ?? true,
    };
  });
  const timeSpeed = config.timeSpeed ?? defaults.timeSpeed ?? 1;
  check(typeof timeSpeed === "number" && timeSpeed >= 0 && Number.isFinite(timeSpeed), "timeSpeed: a number >= 0");
  const replicationRate = config.replicationRate ?? defaults.replicationRate ?? {};
  for (const key of ["bytesPerSecond", "objectsPerSecond"] as const) {
    const value = replicationRate[key];
    check(value === undefined || (typeof value === "number" && value > 0), `replicationRate.${key}: a number > 0`);
  }
  const controlPort = config.controlPort ?? 0;
  check(Number.isInteger(controlPort) && controlPort >= 0 && controlPort <= 65535, "controlPort: an integer 0..65535");
  const tickMs = config.tickMs ?? defaults.tickMs ?? 200;
  check(Number.isInteger(tickMs) && tickMs >= 10, "tickMs: an integer >= 10");
  return { systems: resolvedSystems, links: resolvedLinks, timeSpeed, replicationRate, controlPort, tickMs };
}

export const BEGIN_RECOVERY_SPELLING_VALUES: readonly BeginRecoverySpelling[] = [...BEGIN_RECOVERY_SPELLINGS, "both"];
export const UNKNOWN_ACTION_PARAMETER_VALUES: readonly UnknownActionParameters[] = ["reject", "ignore"];

/** `base` with the given quirks applied and checked; `where` names the property in errors. */
function expiresInDays(value: number | undefined, where: string): number {
  const days = value ?? 5 * 365;
  check(typeof days === "number" && Number.isFinite(days) && days >= -3650 && days <= 36500, `${where}: a number of days, -3650..36500`);
  return days;
}

export function resolveQuirks(given: QuirksConfig | undefined, base: Quirks, where: string): Quirks {
  if (given === undefined) return base;
  check(typeof given === "object" && given !== null && !Array.isArray(given), `${where}: an object`);
  const known = ["beginRecoveryUnavailableSeconds", "beginRecoverySpelling", "unknownActionParameters", "omitStatistics"];
  for (const key of Object.keys(given)) check(known.includes(key), `${where}.${key}: unknown (known: ${known.join(", ")})`);
  const seconds = given.beginRecoveryUnavailableSeconds ?? base.beginRecoveryUnavailableSeconds;
  check(typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0, `${where}.beginRecoveryUnavailableSeconds: a number >= 0`);
  const spelling = given.beginRecoverySpelling ?? base.beginRecoverySpelling;
  check(BEGIN_RECOVERY_SPELLING_VALUES.includes(spelling), `${where}.beginRecoverySpelling: one of ${BEGIN_RECOVERY_SPELLING_VALUES.join(", ")}`);
  const unknown = given.unknownActionParameters ?? base.unknownActionParameters;
  check(UNKNOWN_ACTION_PARAMETER_VALUES.includes(unknown), `${where}.unknownActionParameters: one of ${UNKNOWN_ACTION_PARAMETER_VALUES.join(", ")}`);
  const omit = given.omitStatistics ?? base.omitStatistics;
  check(Array.isArray(omit) && omit.every((f) => OMITTABLE_STATISTICS.includes(f)), `${where}.omitStatistics: a list of ${OMITTABLE_STATISTICS.join(", ")}`);
  return { beginRecoveryUnavailableSeconds: seconds, beginRecoverySpelling: spelling, unknownActionParameters: unknown, omitStatistics: [...omit] };
}

function resolveUser(user: UserConfig, where: string): UserAccount {
  check(typeof user.username === "string" && user.username.length > 0, `${where}.username: required`);
  check(typeof user.password === "string" && user.password.length > 0, `${where}.password: required`);
  const type = user.type ?? "local";
  check(type === "local" || type === "ad", `${where}.type: local or ad`);
  check(type === "local" || user.username.includes("@"), `${where}.username: an AD account is user@domain`);
  const roles = user.roles ?? ["ADMINISTRATOR", "MONITOR"];
  check(roles.every((role) => role === "ADMINISTRATOR" || role === "MONITOR"), `${where}.roles: ADMINISTRATOR and/or MONITOR`);
  return { username: user.username, password: user.password, type, roles };
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`Invalid simulator configuration: ${message}`);
}
