/**
 * The check steps of the workflow tables, evaluated against a fresh observation: certificates trusted
 * both ways, the link configured on the system that runs the workflow.
 */
import { primaryLabel, replicaLabel, sideLabel } from "../model/labels";
import type { CheckId, CheckResult, Observation, PlanOptions } from "../model/types";

function certificatesTrusted(obs: Observation, opts: PlanOptions): CheckResult {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  const { primaryTrustsReplica: pr, replicaTrustsPrimary: rp } = obs.trust;
  const missing: string[] = [];
  if (pr === false) missing.push(`${P} does not trust the replication server certificate of ${R}`);
  if (rp === false) missing.push(`${R} does not trust the replication server certificate of ${P}`);
  if (missing.length > 0) {
    return {
      passed: false,
      refusal: {
        reason: missing.join("; "),
        found: `primary trusts replica: ${String(pr)}; replica trusts primary: ${String(rp)}`,
        expected: `each system trusts the other's current replication server certificate (the certificate step of the workflow)`,
        wayForward:
          `Declare two ReplicationCertificateTrust resources (certificateOf ${opts.replicaName} trustedBy ` +
          `${opts.primaryName}, and the reverse) and list them in this resource's dependsOn, or upload the ` +
          `certificates in each System Management Console; then re-run \`pulumi up\`.`,
      },
    };
  }
  if (pr === "unknown" && rp === "unknown" && obs.primary.reachable && obs.primary.link && obs.replica.reachable && obs.replica.link) {
    return {
      passed: true,
      detail:
        `${P} and ${R} both still have link ${opts.linkName}, so neither was rebuilt: re-exchanging certificates ` +
        `applies only to a rebuilt system; HCP refuses restore, beginRecovery and resume if trust is missing`,
    };
  }
  if (pr === "unknown" || rp === "unknown") {
    return {
      passed: true,
      detail: `certificate trust could not be read (primary trusts replica: ${String(pr)}; replica trusts primary: ${String(rp)}); HCP refuses restore and beginRecovery if it is missing`,
    };
  }
  return { passed: true, detail: `${P} and ${R} trust each other's replication server certificates` };
}

function linkOn(side: "primary" | "replica"): (obs: Observation, opts: PlanOptions) => CheckResult {
  return (obs, opts) => {
    const label = sideLabel(side, opts);
    const link = obs[side].reachable ? obs[side].link : undefined;
    if (!link) {
      return {
        passed: false,
        refusal: {
          reason: `link ${opts.linkName} is not configured on ${label}`,
          found: obs[side].reachable ? `no link ${opts.linkName} on ${label}` : `${label} cannot be reached${obs[side].error ? ` (${obs[side].error})` : ""}`,
          expected: `link ${opts.linkName} on ${label}`,
          wayForward:
            `Declare the link with a ReplicationLink resource and list it in this resource's dependsOn (check ` +
            `linkName), then re-run \`pulumi up\`.`,
        },
      };
    }
    return { passed: true, detail: `link ${opts.linkName} is configured on ${label} (type ${link.type})` };
  };
}

const CHECKS: Readonly<Record<CheckId, (obs: Observation, opts: PlanOptions) => CheckResult>> = {
  certificatesTrusted,
  linkOnReplica: linkOn("replica"),
  linkOnPrimary: linkOn("primary"),
};

/** Evaluates a check step of a workflow table. */
export function evaluateCheck(check: CheckId, obs: Observation, opts: PlanOptions): CheckResult {
  const evaluate = CHECKS[check];
  if (!evaluate) throw new RangeError(`unknown check ${String(check)} (known: ${Object.keys(CHECKS).join(", ")})`);
  return evaluate(obs, opts);
}
