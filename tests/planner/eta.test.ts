/** The ETA of a transfer from the sender's pending data and rate, or why there is none. */
import { etaOf } from "../../provider/readings/eta";

test.each([
  ["bytes at the byte rate", { bytesPending: 10_000_000, bytesPerSecond: 1_000_000, objectsPending: 10, operationsPerSecond: 5 }, { seconds: 10 }],
  ["the slower of the two estimates", { bytesPending: 1_000, bytesPerSecond: 1_000, objectsPending: 100, operationsPerSecond: 2 }, { seconds: 50 }],
  ["objects only", { objectsPending: 30, operationsPerSecond: 3 }, { seconds: 10 }],
  ["nothing pending", { objectsPending: 0, bytesPending: 0 }, { seconds: 0 }],
  ["no rate", { objectsPending: 3, bytesPending: 300 }, { why: "the transfer rate is not reported" }],
  ["nothing moves", { objectsPending: 3, bytesPending: 300, bytesPerSecond: 0, operationsPerSecond: 0 }, { why: "nothing moves at the moment (rate 0)" }],
  ["no pending count", { bytesPerSecond: 100 }, { why: "the pending count is not reported" }],
  ["no statistics", undefined, { why: "the sending system reports no statistics" }],
])("%s", (_what, stats, expected) => {
  expect(etaOf(stats)).toMatchObject(expected);
});
