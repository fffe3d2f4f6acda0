/**
 * MAPI dates: the documented form `yyyy-MM-ddThh:mm:ss±hhmm` (certificate validity, `upToDateAsOfString`),
 * and ISO 8601 (`Z`, `±hh:mm`, fractions of a second), parsed explicitly rather than left to `Date.parse`,
 * whose reading of non-ISO text varies between engines.
 */
import { MAPI_DATE_WITHOUT_ZONE_IS_UTC } from "./assumptions";

const MAPI_DATE = /^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;

/** Milliseconds since the epoch, or undefined when the text is not such a date. */
export function parseMapiDate(text: string | undefined): number | undefined {
  const m = text === undefined ? null : MAPI_DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const millis = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  const check = new Date(utc);
  // Reject what Date.UTC would roll over (2026-02-30, 25:00).
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  if (!zone) return MAPI_DATE_WITHOUT_ZONE_IS_UTC ? utc : undefined;
  if (zone.toUpperCase() === "Z") return utc;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return utc - sign * offsetMinutes * 60_000;
}
