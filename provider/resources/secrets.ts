/** Keeps passwords secret from the moment they enter a resource, whatever the caller passed. */
import * as pulumi from "@pulumi/pulumi";
import type { HcpSystem } from "./system";

export function secretSystem(system: HcpSystem): HcpSystem {
  return { ...system, password: pulumi.secret(system.password) };
}
