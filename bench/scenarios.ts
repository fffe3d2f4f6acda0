/** Simulator configurations and stacks for the benchmark scenarios. */
import * as path from "path";
import type { LinkConfig, SimulatorConfig, SystemConfig } from "../simulator";
import { defaultUsers } from "../simulator/config";
import { projectRoot } from "../examples/demo/workspace";
import { linkNames, tenantNames } from "./naming";

/** The benchmark program: N links between two systems (bench/programs/links). */
export const linksProgram = path.join(projectRoot, "bench/programs/links");

export interface LinkSet {
  prefix: string;
  count: number;
  tenantsPerLink: number;
  primary: string;
  replica: string;
}

export function linksOf(set: LinkSet): LinkConfig[] {
  return linkNames(set.prefix, set.count).map((name) => ({
    name,
    primary: set.primary,
    replica: set.replica,
    type: "ACTIVE_PASSIVE",
    tenants: tenantNames(name, set.tenantsPerLink),
    directories: [],
    exchangeCertificates: true,
  }));
}

/** Systems named in `sets`, with the links of every set. */
export function simulatorConfig(sets: LinkSet[], extra: Partial<SimulatorConfig> = {}): SimulatorConfig {
  const names = [...new Set(sets.flatMap((s) => [s.primary, s.replica]))];
  const systems: SystemConfig[] = names.map((name) => ({ name }));
  return { systems, users: defaultUsers(), links: sets.flatMap(linksOf), timeSpeed: 1, tickMs: 200, ...extra };
}

/** Stack configuration of the links program for one link set. */
export function programConfig(set: LinkSet, extra: Record<string, string> = {}): Record<string, string> {
  return {
    linkPrefix: set.prefix,
    linkCount: String(set.count),
    tenantsPerLink: String(set.tenantsPerLink),
    state: "replicating",
    ...extra,
  };
}
