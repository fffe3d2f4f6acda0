/**
 * ReplicationLink: an active/passive link and its content, created on the primary. Configuration changes
 * (seed step 4) go to the side that is authoritative in the current phase: the primary while replicating,
 * the replica while failed over or recovering. Deleting it needs `allowDeletion: true`.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazyProvider";
import { systemInput } from "./systemInput";
import type { HcpSystem, SystemConnection } from "./system";
import type { FailoverSettings, LinkPriority } from "../mapi/types";

export type LinkKind = "ACTIVE_PASSIVE";
export const linkKinds: readonly LinkKind[] = ["ACTIVE_PASSIVE"];
export const linkPriorities: readonly LinkPriority[] = ["OLDEST_FIRST", "FAIR"];

export interface ReplicationLinkArgs {
  primary: HcpSystem;
  replica: HcpSystem;
  /** 1 to 64 characters; HCP compares link names without regard to case. */
  linkName: pulumi.Input<string>;
  /** Only active/passive links are managed by this provider. */
  type: pulumi.Input<LinkKind>;
  /** Replication address of the replica as the primary reaches it. */
  remoteHost: pulumi.Input<string>;
  compression?: pulumi.Input<boolean>;
  encryption?: pulumi.Input<boolean>;
  priority?: pulumi.Input<LinkPriority>;
  /** As MAPI's failoverSettings: `local` is the primary's view, `remote` the replica's. */
  failoverSettings?: pulumi.Input<FailoverSettings>;
  tenants?: pulumi.Input<pulumi.Input<string>[]>;
  defaultNamespaceDirectories?: pulumi.Input<pulumi.Input<string>[]>;
  /** Deleting the resource deletes the link (stopping replication) only when this is true. */
  allowDeletion?: pulumi.Input<boolean>;
}

export interface LinkInputs {
  primary: SystemConnection;
  replica: SystemConnection;
  linkName: string;
  type: LinkKind;
  remoteHost: string;
  compression?: boolean;
  encryption?: boolean;
  priority?: LinkPriority;
  failoverSettings?: FailoverSettings;
  tenants?: string[];
  defaultNamespaceDirectories?: string[];
  allowDeletion?: boolean;
  /** Filled in by check: where the live link differs from these inputs ("" when it matches). */
  liveDrift?: string[];
}

export interface LinkOutputs extends LinkInputs {
  /** The link's UUID on the primary (empty while the primary was unreachable). */
  linkId: string;
  /** Where configuration changes were applied: "primary" while replicating, else "replica". */
  authoritativeSide: "primary" | "replica";
}

const implementation = path.join(__dirname, "linkProvider");

export class ReplicationLink extends pulumi.dynamic.Resource {
  declare readonly linkName: pulumi.Output<string>;
  declare readonly linkId: pulumi.Output<string>;
  declare readonly authoritativeSide: pulumi.Output<"primary" | "replica">;
  declare readonly tenants: pulumi.Output<string[] | undefined>;

  constructor(name: string, args: ReplicationLinkArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      lazyProvider<LinkInputs, LinkOutputs>(implementation),
      name,
      {
        ...args,
        primary: systemInput(args.primary),
        replica: systemInput(args.replica),
        linkId: undefined,
        authoritativeSide: undefined,
        liveDrift: undefined,
      },
      opts,
      "hcp",
      "ReplicationLink",
    );
  }
}
