import { formatTimestamp } from "./assumptions";
import type { SimClock } from "./clock";

export type Severity = "NOTICE" | "WARNING" | "ERROR";

/** One entry of a system's event log (what the System Management Console shows). */
export interface SystemEvent {
  /** Increases by one per entry on this system; `?since=<seq>` reads only newer ones. */
  readonly seq: number;
  readonly timeMillis: number;
  readonly time: string;
  readonly severity: Severity;
  readonly message: string;
}

/** A system's event log, stamped with simulated time. */
export class EventLog {
  private entries: SystemEvent[] = [];
  private nextSeq = 1;

  constructor(private readonly clock: SimClock) {}

  record(severity: Severity, message: string): void {
    const timeMillis = this.clock.now();
    this.entries.push({ seq: this.nextSeq++, timeMillis, time: formatTimestamp(timeMillis), severity, message });
  }

  notice(message: string): void {
    this.record("NOTICE", message);
  }

  warning(message: string): void {
    this.record("WARNING", message);
  }

  /** Entries with a sequence number above `sinceSeq` (all when omitted), oldest first. */
  list(sinceSeq = 0): SystemEvent[] {
    return this.entries.filter((entry) => entry.seq > sinceSeq);
  }

  clear(): void {
    this.entries = [];
  }
}
