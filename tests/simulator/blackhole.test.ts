import * as net from "node:net";
import * as tls from "node:tls";
import { Harness } from "./helpers";

/** A black-holed system: its port accepts TCP and never answers, neither TLS nor HTTP, until it is brought back. */

let h: Harness;

beforeAll(async () => {
  h = await Harness.start({ timeSpeed: 0 });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.control("POST", "/_sim/reset");
});

function portOf(system: string): number {
  return Number(new URL(h.system(system).endpoint).port);
}

/** Opens a TCP connection; resolves once connected. */
function tcpConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Starts a TLS handshake; resolves with how it ended within `ms`: "secure", "closed", "error" or "no answer". */
function handshake(port: number, ms: number): Promise<{ outcome: string; socket: tls.TLSSocket }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ port, host: "127.0.0.1", ca: h.ca, servername: "hcp-a" });
    const timer = setTimeout(() => resolve({ outcome: "no answer", socket }), ms);
    const end = (outcome: string) => () => {
      clearTimeout(timer);
      resolve({ outcome, socket });
    };
    socket.once("secureConnect", end("secure"));
    socket.once("close", end("closed"));
    socket.once("error", end("error"));
  });
}

function closed(socket: net.Socket, ms: number): Promise<boolean> {
  if (socket.destroyed || socket.closed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on("error", () => undefined);
  });
}

test("blackhole: TCP connects, the TLS handshake never completes, HTTP never answers; the control endpoint still answers", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/blackhole");
  const socket = await tcpConnect(portOf("hcp-a"));
  const { outcome, socket: tlsSocket } = await handshake(portOf("hcp-a"), 700);
  expect(outcome).toBe("no answer");
  // Not a byte comes back, whatever is sent (here plain HTTP).
  const received: Buffer[] = [];
  socket.on("data", (b: Buffer) => received.push(b));
  socket.write("GET /mapi/services/replication HTTP/1.1\r\nHost: hcp-a\r\n\r\n");
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(Buffer.concat(received).length).toBe(0);
  expect(socket.destroyed).toBe(false);
  const summary = await h.control<{ up: boolean; port: string }>("GET", "/_sim/systems/hcp-a");
  expect(summary).toMatchObject({ up: false, port: "blackhole", heldConnections: 2 });
  // The other system is not affected.
  expect((await h.request("hcp-b", "/mapi/services/replication")).status).toBe(200);
  socket.destroy();
  tlsSocket.destroy();
});

test("up ends the black hole: the held connections are destroyed and the port serves again", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/blackhole");
  const held = await tcpConnect(portOf("hcp-a"));
  const { socket: heldTls } = await handshake(portOf("hcp-a"), 200);
  await h.control("POST", "/_sim/systems/hcp-a/up");
  expect(await closed(held, 2000)).toBe(true);
  expect(await closed(heldTls, 2000)).toBe(true);
  expect((await h.request("hcp-a", "/mapi/services/replication")).status).toBe(200);
  expect(await h.control("GET", "/_sim/systems/hcp-a")).toMatchObject({ up: true, port: "serving" });
});

test("reset destroys held connections too; down after blackhole refuses", async () => {
  await h.control("POST", "/_sim/systems/hcp-b/blackhole");
  const held = await tcpConnect(portOf("hcp-b"));
  await h.control("POST", "/_sim/reset");
  expect(await closed(held, 2000)).toBe(true);
  expect((await h.request("hcp-b", "/mapi/services/replication")).status).toBe(200);

  await h.control("POST", "/_sim/systems/hcp-b/blackhole");
  const held2 = await tcpConnect(portOf("hcp-b"));
  await h.control("POST", "/_sim/systems/hcp-b/down");
  expect(await closed(held2, 2000)).toBe(true);
  await expect(tcpConnect(portOf("hcp-b"))).rejects.toMatchObject({ code: "ECONNREFUSED" });
  expect(await h.control("GET", "/_sim/systems/hcp-b")).toMatchObject({ port: "closed" });
});

test("a black-holed system stops replicating, like a system that is down", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/blackhole");
  const events = await h.events("hcp-a");
  expect(events.some((e) => /unresponsive/.test(e))).toBe(true);
});
