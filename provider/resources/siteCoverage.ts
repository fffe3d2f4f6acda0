/**
 * SiteCoverage: no link of a failed site is forgotten. Its `check` reads the link list of every reachable
 * system of a ReplicationSite and fails preview, naming them, on links the site does not declare. A system
 * declared out of service that does not answer is expected. ReplicationSite creates it; the per-link
 * failovers depend on it.
 */
import * as pulumi from "@pulumi/pulumi";
import { HcpResource } from "./hcpResource";
import shim = require("./shims/siteCoverage");
import { SiteProvider } from "./siteProvider";
import { systemInput } from "./systemInput";
import type { HcpSystem, SystemConnection } from "./system";
import type { SiteDeclaration } from "../site/types";

export interface SiteCoverageArgs {
  /** Connections to every system of the site. */
  systems: HcpSystem[];
  /** The site's declaration, by system name. */
  site: SiteDeclaration;
}

export interface CoverageInputs {
  systems: SystemConnection[];
  site: SiteDeclaration;
}

/** Outputs carry the systems by name and endpoint only: no credentials reach the state through them. */
export interface CoverageOutputs {
  systems: Array<{ name: string; endpoint: string }>;
  site: SiteDeclaration;
  /** Per system, the links it listed at the last `up`, or "unreachable". */
  linksBySystem: Record<string, string[] | "unreachable">;
}

export class SiteCoverage extends HcpResource {
  declare readonly linksBySystem: pulumi.Output<Record<string, string[] | "unreachable">>;

  constructor(name: string, args: SiteCoverageArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "SiteCoverage",
      shim,
      name,
      () => ({ systems: args.systems.map((s) => systemInput(s, opts?.provider instanceof SiteProvider)), site: args.site, linksBySystem: undefined }),
      opts,
    );
  }
}
