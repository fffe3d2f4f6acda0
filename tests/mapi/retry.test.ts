/** Which failed requests are sent again: the pure rule of provider/mapi/retry.ts, as a table. */
import { MapiConnectTimeoutError, MapiError, MapiTimeoutError, MapiTlsError, MapiUnreachableError } from "../../provider/mapi/errors";
import { shouldRetry, type Method, type Outcome } from "../../provider/mapi/retry";

const at = { method: "GET", url: "https://hcp-a:9090/mapi/services/replication/links", path: "/mapi/services/replication/links", causeMessage: "boom" };
const broken = (code: string): Outcome => ({ error: new MapiUnreachableError({ ...at, code }), connectFailed: false });

const TABLE: Array<[string, Method, number, Outcome, boolean]> = [
  ["a GET answered 503", "GET", 1, { status: 503 }, true],
  ["a HEAD answered 503", "HEAD", 1, { status: 503 }, true],
  ["a GET answered 503 on its last attempt", "GET", 4, { status: 503 }, false],
  ["a GET answered 500", "GET", 1, { status: 500 }, false],
  ["a GET answered 200", "GET", 1, { status: 200 }, false],
  ["a POST answered 503 (changing requests go once)", "POST", 1, { status: 503 }, false],
  ["a PUT whose connection was reset", "PUT", 1, broken("ECONNRESET"), false],
  ["a GET whose connection was reset", "GET", 1, broken("ECONNRESET"), true],
  ["a GET refused (the system is down)", "GET", 1, broken("ECONNREFUSED"), false],
  ["a GET whose connection never came up", "GET", 1, { error: new MapiUnreachableError({ ...at, code: "EHOSTUNREACH" }), connectFailed: true }, false],
  ["a GET past its connect timeout", "GET", 1, { error: new MapiConnectTimeoutError({ ...at, connectTimeoutMs: 1500 }), connectFailed: true }, false],
  ["a GET past its response timeout", "GET", 1, { error: new MapiTimeoutError({ ...at, timeoutMs: 30000 }), connectFailed: false }, false],
  ["a GET failing TLS verification", "GET", 1, { error: new MapiTlsError({ ...at, code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }), connectFailed: false }, false],
  ["a GET failing for another reason", "GET", 1, { error: new MapiError("odd", { message: "odd" }), connectFailed: false }, false],
];

test.each(TABLE)("%s: retried %p", (_what, method, attempt, outcome, retried) => {
  expect(shouldRetry(method, attempt, 4, outcome)).toBe(retried);
});
