/**
 * Refusals for statusMessages that have a reading of their own (keyed by the message), more precise
 * than "a status this workflow does not expect". Pure data and text.
 */
import { STATUS_MESSAGES, UNRECOGNIZED_LINK_READING } from "../mapi/assumptions";
import { primaryLabel, replicaLabel } from "../model/labels";
import type { PlanOptions, Refusal, Side } from "../model/types";

type Explain = (where: { side: string; other: string; link: string; opts: PlanOptions; found: string }) => Refusal;

const BY_MESSAGE: Readonly<Record<string, Explain>> = {
  [STATUS_MESSAGES.unrecognized]: ({ side, other, link, opts, found }) => ({
    reason:
      `${side} reports "Unrecognized link" for ${link}: an unhealthy state in which no step of the workflow can tell ` +
      `the phase (read here as: ${UNRECOGNIZED_LINK_READING})`,
    found,
    expected: `${link} recognised on both systems, e.g. "Failed over", "Recovering data" or "Receiving data" on ${replicaLabel(opts)}`,
    wayForward:
      `In the System Management Console of ${side} and of ${other}, compare link ${opts.linkName} (its id, type and ` +
      `remote host) and read the system log. If one system holds a link recreated there, suspend and delete that ` +
      `one (deleting a link makes its tenants read-write on both systems) and restore the link from the system that ` +
      `holds the data; otherwise ask Hitachi support what the state means on this release. Then re-run \`pulumi up\`. ` +
      `Nothing was changed.`,
  }),
};

/** The refusal for `message` on `onSide`, when the message has a reading of its own. */
export function refusalForStatusMessage(
  message: string | undefined,
  onSide: Side,
  opts: PlanOptions,
  found: string,
): Refusal | undefined {
  const explain = message === undefined ? undefined : BY_MESSAGE[message];
  if (!explain) return undefined;
  const [side, other] = onSide === "primary" ? [primaryLabel(opts), replicaLabel(opts)] : [replicaLabel(opts), primaryLabel(opts)];
  return explain({ side, other, link: `link ${opts.linkName}`, opts, found });
}
