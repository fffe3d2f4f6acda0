/** The few control calls of the simulator (`/_sim/...`) the benchmark needs beyond SimulatorClient. */
import * as fs from "fs";
import * as https from "https";
import axios from "axios";
import type { RunningSimulator } from "../../simulator";

export class SimControl {
  private readonly http;

  constructor(private readonly sim: RunningSimulator) {
    this.http = axios.create({ httpsAgent: new https.Agent({ ca: fs.readFileSync(sim.caFile, "utf8") }), timeout: 15000 });
  }

  private url(path: string): string {
    if (!this.sim.controlEndpoint) throw new Error("the simulator has no control endpoint");
    return `${this.sim.controlEndpoint}/_sim${path}`;
  }

  /** Clears the request counters of every system. */
  async clearRequests(): Promise<void> {
    await this.http.delete(this.url("/requests"));
  }

  /** Jumps simulated time forward. */
  async advanceClock(ms: number): Promise<void> {
    await this.http.post(this.url("/clock"), { advanceMs: Math.round(ms) });
  }
}
