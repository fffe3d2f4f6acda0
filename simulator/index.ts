import { resolveConfig, type SimulatorConfig } from "./config";
import { Simulator } from "./simulator";

/**
 * A local multi-system HCP for tests and demos: real HTTPS per system, the MAPI replication
 * subset, a data plane per tenant, and a control API under `/_sim/`. See `simulator/README.md`.
 */

export { defaultConfig, loadConfigFile, resolveConfig, DEFAULT_PASSWORD, DEFAULT_SOFTWARE_VERSION } from "./config";
export type { LinkConfig, QuirksConfig, ReplicationRateConfig, ResolvedConfig, SimulatorConfig, SystemConfig, UserConfig } from "./config";

/** One simulated system as a client reaches it. */
export interface SimulatedSystem {
  readonly name: string;
  /** `https://127.0.0.1:<port>`: MAPI under `/mapi/...`, objects under `/data/...`. */
  readonly endpoint: string;
  /** PEM of the CA that issued the endpoint's TLS certificate. */
  readonly caFile: string;
  /** A local account with the administrator role (HCP auth scheme). */
  readonly username: string;
  readonly password: string;
  /** Control API base for this system: `<controlEndpoint>/_sim/systems/<name>`. */
  readonly controlUrl: string;
}

export interface RunningSimulator {
  readonly systems: SimulatedSystem[];
  /** `https://127.0.0.1:<port>` serving `/_sim/...` even while every system is down. */
  readonly controlEndpoint?: string;
  readonly caFile: string;
  /** Closes every listener and removes the temporary directory. */
  stop(): Promise<void>;
}

/** Starts the simulator; without a config, the default two systems and link. */
export async function startSimulator(config?: SimulatorConfig): Promise<RunningSimulator> {
  const resolved = resolveConfig(config);
  const simulator = await Simulator.start(resolved);
  const controlEndpoint = simulator.controlEndpoint;
  const systems = resolved.systems.map((spec): SimulatedSystem => {
    const admin = spec.users.find((u) => u.type === "local" && u.roles.includes("ADMINISTRATOR"));
    return {
      name: spec.name,
      endpoint: simulator.endpointOf(simulator.world.requireSystem(spec.name)),
      caFile: simulator.caFile,
      username: admin?.username ?? "",
      password: admin?.password ?? "",
      controlUrl: `${controlEndpoint}/_sim/systems/${encodeURIComponent(spec.name)}`,
    };
  });
  let stopping: Promise<void> | undefined;
  return {
    systems,
    controlEndpoint,
    caFile: simulator.caFile,
    stop: () => (stopping ??= simulator.stop()),
  };
}
