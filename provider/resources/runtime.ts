/**
 * What provider methods need from their surroundings: MAPI clients for the systems and a progress log the
 * person running `pulumi up` sees. Loaded in the provider process only (behind the shims).
 */
import * as pulumi from "@pulumi/pulumi";
import { MapiClient } from "../mapi/client";
import { processReachability } from "../mapi/reachability";
import { theEngineWatch } from "./engineWatch";
import { providerCertificate } from "./providerCertificates";
import type { SystemConnection } from "./system";

/** Lines reach the engine as info messages; without an engine they go to stderr. */
export function progressLog(prefix: string): (line: string) => void {
  // The dynamic-provider host receives the engine address as its first argument but does not hand it to
  // the SDK's logger; doing so makes messages appear under `pulumi up` as they happen.
  if (!process.env.PULUMI_NODEJS_ENGINE && /^127\.0\.0\.1:\d+$/.test(process.argv[2] ?? "")) {
    process.env.PULUMI_NODEJS_ENGINE = process.argv[2];
  }
  return (line: string) => {
    const text = `${prefix}: ${line}`;
    try {
      void pulumi.log.info(text).catch(() => process.stderr.write(`${text}\n`));
    } catch {
      process.stderr.write(`${text}\n`);
    }
  };
}

export function warnLog(prefix: string): (line: string) => void {
  const info = progressLog(prefix);
  return (line: string) => {
    try {
      void pulumi.log.warn(`${prefix}: ${line}`).catch(() => info(`warning: ${line}`));
    } catch {
      info(`warning: ${line}`);
    }
  };
}

/**
 * A MAPI client for one system; warnings (e.g. TLS verification skipped) and requests left without an
 * answer are shown to the user. Every client of this process shares one reachability memo: the provider
 * host serves every resource of a `pulumi preview` or `up` from one process, so a system that failed to
 * connect for one resource fails at once for the next, and costs one connect timeout per run.
 */
export function connect(system: SystemConnection, options: { timeoutMs?: number } = {}): MapiClient {
  return new MapiClient({
    endpoint: system.endpoint,
    username: system.username,
    password: system.password,
    authType: system.authType,
    caCertificate: system.caCertificate ?? caFromProvider(system),
    insecureSkipTlsVerify: system.insecureSkipTlsVerify,
    timeoutMs: options.timeoutMs,
    ...(system.connectTimeoutSeconds !== undefined ? { connectTimeoutMs: Math.round(system.connectTimeoutSeconds * 1000) } : {}),
    reachability: processReachability,
    onSlowRequest: progressLog(system.name),
    onWarning: warnLog(system.name),
    // An orphaned provider (its CLI killed) sends nothing: engineWatch.ts.
    beforeChange: (request) => theEngineWatch().confirm(`before sending ${request}`),
  });
}

/** The CA certificate a side names by digest, from the provider's configuration (providerCertificates.ts). */
function caFromProvider(system: SystemConnection): string | undefined {
  if (system.caFromProvider === undefined) return undefined;
  return providerCertificate(system.name, system.caFromProvider);
}

/** Clients for both systems of a link. */
export function connectPair(primary: SystemConnection, replica: SystemConnection): { primary: MapiClient; replica: MapiClient } {
  return { primary: connect(primary), replica: connect(replica) };
}
