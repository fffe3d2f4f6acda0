/** Every object a client wrote (and the system acknowledged), to count them on the active system at the end. */
import type { Sim } from "./sim";

export interface Written {
  system: string;
  tenant: string;
  key: string;
  body: string;
}

export class Ledger {
  readonly written: Written[] = [];

  constructor(private readonly sim: Sim) {}

  /** Writes `count` objects; each acknowledged write (200/201) is recorded. Throws on a refused write. */
  async write(system: string, tenant: string, prefix: string, count: number): Promise<string[]> {
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      const key = `${prefix}-${String(i).padStart(3, "0")}.txt`;
      const body = `${prefix} #${i} written on ${system}`;
      const res = await this.sim.sc.putObject(system, tenant, key, body);
      if (res.status !== 200 && res.status !== 201) throw new Error(`write ${tenant}/${key} on ${system}: HTTP ${res.status} ${res.message ?? ""}`);
      this.written.push({ system, tenant, key, body });
      keys.push(key);
    }
    return keys;
  }

  /** Tries a write; records it only when the system acknowledged it. Returns the HTTP status. */
  async tryWrite(system: string, tenant: string, key: string, body: string): Promise<number> {
    const res = await this.sim.sc.putObject(system, tenant, key, body);
    if (res.status === 200 || res.status === 201) this.written.push({ system, tenant, key, body });
    return res.status;
  }

  /** The distinct tenant/key pairs written anywhere. */
  keys(): Array<{ tenant: string; key: string }> {
    const seen = new Map<string, { tenant: string; key: string }>();
    for (const w of this.written) seen.set(`${w.tenant}/${w.key}`, { tenant: w.tenant, key: w.key });
    return [...seen.values()];
  }

  /** How many of the written objects `system` holds, and which are missing. */
  async presentOn(system: string): Promise<{ expected: number; present: number; missing: string[] }> {
    const byTenant = new Map<string, Set<string>>();
    for (const tenant of new Set(this.written.map((w) => w.tenant))) {
      byTenant.set(tenant, new Set(await this.sim.sc.listObjects(system, tenant)));
    }
    const keys = this.keys();
    const missing = keys.filter((k) => !byTenant.get(k.tenant)?.has(k.key)).map((k) => `${k.tenant}/${k.key}`);
    return { expected: keys.length, present: keys.length - missing.length, missing };
  }
}
