/**
 * ReplicationLink: an active/passive or active/active link and its content, created on the primary.
 * Configuration changes (seed step 4) go to the side that is authoritative in the current phase:
 * active/passive, the primary while replicating and the replica while failed over or recovering;
 * active/active, the survivor while failed over (when the systems show it) and the primary otherwise.
 * An active/passive link declared active/active is converted and resumed; the reverse is refused, as
 * HCP refuses it. Deleting it needs `allowDeletion: true`.
 */
import * as pulumi from "@pulumi/pulumi";
import { HcpResource } from "./hcpResource";
import shim = require("./shims/link");
import { systemInput } from "./systemInput";
import type { HcpSystem, SystemConnection } from "./system";
import type { FailoverSettings, LinkPriority } from "../mapi/types";

export type LinkKind = "ACTIVE_PASSIVE" | "ACTIVE_ACTIVE";
export const linkKinds: readonly LinkKind[] = ["ACTIVE_PASSIVE", "ACTIVE_ACTIVE"];
export const linkPriorities: readonly LinkPriority[] = ["OLDEST_FIRST", "FAIR"];

export interface ReplicationLinkArgs {
  primary: HcpSystem;
  replica: HcpSystem;
  /** 1 to 64 characters; HCP compares link names without regard to case. */
  linkName: pulumi.Input<string>;
  /**
   * ACTIVE_PASSIVE (OUTBOUND on the primary, INBOUND on the replica) or ACTIVE_ACTIVE (both read-write).
   * Changing ACTIVE_PASSIVE to ACTIVE_ACTIVE converts the link (HCP suspends it; it is resumed right after);
   * the reverse is refused.
   */
  type: pulumi.Input<LinkKind>;
  /** Replication address of the replica as the primary reaches it. */
  remoteHost: pulumi.Input<string>;
  compression?: pulumi.Input<boolean>;
  encryption?: pulumi.Input<boolean>;
  priority?: pulumi.Input<LinkPriority>;
  /**
   * As MAPI's failoverSettings: `local` is the primary's view, `remote` the replica's. On an active/active
   * link each side has only autoFailover and autoFailoverMinutes.
   */
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

/** What the last conversion from active/passive to active/active did (kept so a re-run finishes it). */
export interface TypeConversion {
  from: "ACTIVE_PASSIVE";
  to: "ACTIVE_ACTIVE";
  /** When the conversion was sent (ISO 8601). */
  at: string;
  /** Systems on which the link was resumed after the conversion suspended it. */
  resumedOn: string[];
  /** Systems the conversion suspended and that were not resumed yet (empty once done). */
  toResume: string[];
}

export interface LinkOutputs extends LinkInputs {
  /** The link's UUID on the primary (empty while the primary was unreachable). */
  linkId: string;
  /** Where configuration changes were applied: "primary" while replicating, else "replica". */
  authoritativeSide: "primary" | "replica";
  /** Set once this resource converted the link to active/active. */
  typeConversion?: TypeConversion;
}

export class ReplicationLink extends HcpResource {
  declare readonly linkName: pulumi.Output<string>;
  declare readonly linkId: pulumi.Output<string>;
  declare readonly authoritativeSide: pulumi.Output<"primary" | "replica">;
  declare readonly typeConversion: pulumi.Output<TypeConversion | undefined>;
  declare readonly tenants: pulumi.Output<string[] | undefined>;

  constructor(name: string, args: ReplicationLinkArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "ReplicationLink",
      shim,
      name,
      () => ({
        ...args,
        primary: systemInput(args.primary),
        replica: systemInput(args.replica),
        linkId: undefined,
        authoritativeSide: undefined,
        typeConversion: undefined,
        liveDrift: undefined,
      }),
      opts,
    );
  }
}
