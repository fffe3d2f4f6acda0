import type { KeyObject } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createCertificateAuthority,
  createReplicationCertificate,
  describeCertificate,
  generateRsaKey,
  issueServerCertificate,
  type CertificateAuthority,
} from "./certs";
import type { ResolvedConfig } from "./config";
import type { ControlOps } from "./control";
import { buildWorld } from "./model/bootstrap";
import { advance } from "./model/replication";
import type { ServerCertificate, SystemModel } from "./model/system";
import type { World } from "./model/world";
import { Listener, requestHandler } from "./server";

/**
 * A running simulator: the world, one listener per system, the control endpoint, the replication
 * timer, and the fault operations the control API calls.
 */
export class Simulator implements ControlOps {
  private timer: NodeJS.Timeout | undefined;
  /** Listeners by lowercase system name. */
  private readonly listeners = new Map<string, Listener>();
  private readonly controlListener: Listener;

  private constructor(
    readonly config: ResolvedConfig,
    public world: World,
    ca: CertificateAuthority,
    tlsKey: KeyObject,
    /** Replication certificates made at start, restored by reset. */
    private readonly initialCertificates: ReadonlyMap<string, ServerCertificate>,
    /** Temporary directory holding the CA file; removed on stop. */
    readonly directory: string,
    readonly caFile: string,
  ) {
    // The handlers read `this.world` per request, so a reset (a new world) keeps the listeners.
    for (const spec of config.systems) {
      const tls = issueServerCertificate(ca, tlsKey, spec.name, [spec.name, spec.replicationHost, `admin.${spec.replicationHost}`]);
      this.listeners.set(spec.name.toLowerCase(), new Listener(tls, requestHandler(this, spec.name), spec.port));
    }
    this.controlListener = new Listener(issueServerCertificate(ca, tlsKey, "hcp-simulator-control", []), requestHandler(this, undefined), config.controlPort);
  }

  /** Makes the certificates, writes the CA file, builds the world and starts listening. */
  static async start(config: ResolvedConfig): Promise<Simulator> {
    const [ca, tlsKey, certificates] = await Promise.all([
      createCertificateAuthority("HCP Simulator CA"),
      generateRsaKey(),
      Promise.all(config.systems.map(async (s) => [s.name.toLowerCase(), await newServerCertificate(s.replicationHost, s.name, s.replicationCertificateExpiresInDays)] as const)),
    ]);
    const initialCertificates = new Map(certificates);
    const directory = await mkdtemp(join(tmpdir(), "hcp-simulator-"));
    const caFile = join(directory, "ca.pem");
    await writeFile(caFile, ca.certPem);
    const simulator = new Simulator(config, buildWorld(config, initialCertificates), ca, tlsKey, initialCertificates, directory, caFile);
    try {
      await simulator.controlListener.start();
      for (const [name, listener] of simulator.listeners) simulator.world.requireSystem(name).port = await listener.start();
    } catch (error) {
      await simulator.stop();
      throw error;
    }
    simulator.timer = setInterval(() => simulator.tick(), config.tickMs);
    simulator.timer.unref();
    return simulator;
  }

  /** `https://127.0.0.1:<port>` of the control endpoint. */
  get controlEndpoint(): string {
    return `https://127.0.0.1:${this.controlListener.port}`;
  }

  endpointOf(system: SystemModel): string {
    return `https://127.0.0.1:${this.listenerOf(system).port}`;
  }

  /** Closes the system's listener (connections refused); the model stops replicating with it. */
  async takeDown(system: SystemModel): Promise<void> {
    if (system.up) system.events.warning("System down (simulator)");
    system.up = false;
    await this.listenerOf(system).stop();
  }

  /**
   * The system's port accepts connections and never answers (no TLS handshake, no HTTP): a site whose
   * network died. Like down, the model stops replicating with it. `bringUp` ends it.
   */
  async blackHole(system: SystemModel): Promise<void> {
    if (system.up) system.events.warning("System unresponsive (simulator): connections accepted, never answered");
    system.up = false;
    await this.listenerOf(system).blackHole();
  }

  /** "serving", "blackhole" (accepts, never answers) or "closed" (connection refused). */
  portStateOf(system: SystemModel): "serving" | "blackhole" | "closed" {
    const listener = this.listenerOf(system);
    return listener.listening ? listener.mode : "closed";
  }

  /** Connections the system's black hole accepted and held (never answered) since the start or the last reset. */
  heldConnectionsOf(system: SystemModel): number {
    return this.listenerOf(system).heldTotal;
  }

  /** Opens the system's listener again on the same port (and ends a black hole, dropping its held connections). */
  async bringUp(system: SystemModel): Promise<void> {
    await this.listenerOf(system).start();
    if (!system.up) system.events.notice("System up (simulator)");
    system.up = true;
  }

  /** New replication server certificate; no links, no trusted certificates; objects wiped unless kept. */
  async rebuild(system: SystemModel, keepObjects: boolean): Promise<void> {
    const certificate = await newServerCertificate(system.replicationHost, system.name);
    system.rebuild(certificate, keepObjects);
    system.events.warning(`System rebuilt (simulator): new replication server certificate, no links, no trusted certificates, objects ${keepObjects ? "kept" : "wiped"}`);
  }

  /**
   * A renewed replication server certificate expiring in `expiresInDays` (negative: already expired), as an
   * administrator installs one: links and trusted certificates stay, so the other systems trust it only once
   * it is uploaded to them.
   */
  async renewCertificate(system: SystemModel, expiresInDays: number): Promise<void> {
    system.serverCertificate = await newServerCertificate(system.replicationHost, system.name, expiresInDays);
    system.events.notice(`Replication server certificate replaced (simulator): expires ${system.serverCertificate.expiresOn}`);
  }

  /** Back to the configured state: every system up, network healed, logs, counters and faults cleared. */
  async reset(): Promise<void> {
    const world = buildWorld(this.config, this.initialCertificates);
    for (const [name, listener] of this.listeners) {
      await listener.start();
      listener.heldTotal = 0;
      world.requireSystem(name).port = listener.port;
    }
    this.world = world;
  }

  /** Stops the timer and every listener, and removes the temporary directory. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.listeners.values(), this.controlListener].map((listener) => listener.stop()));
    await rm(this.directory, { recursive: true, force: true });
  }

  private tick(): void {
    try {
      advance(this.world);
    } catch (error) {
      console.error("hcp-simulator: replication step failed:", error instanceof Error ? error.stack : error);
    }
  }

  private listenerOf(system: SystemModel): Listener {
    const listener = this.listeners.get(system.name.toLowerCase());
    if (!listener) throw new Error(`No listener for ${system.name}`);
    return listener;
  }
}

async function newServerCertificate(hostName: string, systemName: string, expiresInDays?: number): Promise<ServerCertificate> {
  const { keyPem, certPem } = await createReplicationCertificate(hostName, systemName, expiresInDays);
  return { ...describeCertificate(certPem), keyPem };
}
