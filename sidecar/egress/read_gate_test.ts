import assert from "node:assert/strict";
import net from "node:net";
import { PassThrough } from "node:stream";
import type tls from "node:tls";
import { gateReads, readSwitchOf } from "./_read_gate.ts";

/** Let 'pause'/'resume' events (emitted on the next tick) arrive. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("readSwitchOf() finds the switch of a connected socket, and none without a handle", async () => {
  assert.equal(readSwitchOf(new net.Socket()), undefined, "not connected: no handle yet");
  const listener = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const client = net.connect((listener.address() as net.AddressInfo).port, "127.0.0.1");
  await new Promise((resolve) => client.once("connect", resolve));
  const reads = readSwitchOf(client);
  assert.equal(typeof reads?.readStop, "function");
  assert.equal(typeof reads?.readStart, "function");
  client.destroy();
  await new Promise((resolve) => client.once("close", resolve));
  await new Promise((resolve) => listener.close(resolve));
});

Deno.test("gateReads() stops reading while the TLS socket is paused and reads again when it resumes", async () => {
  const calls: string[] = [];
  const secure = new PassThrough();
  gateReads(secure as unknown as tls.TLSSocket, {
    readStop: () => calls.push("stop"),
    readStart: () => calls.push("start"),
  });
  secure.on("data", () => {});
  await settle();
  secure.pause();
  await settle();
  secure.resume();
  await settle();
  assert.deepEqual(calls, ["start", "stop", "start"]);
  secure.destroy();
  secure.pause();
  await settle();
  assert.deepEqual(calls, ["start", "stop", "start"], "nothing is switched after a destroy");
});

Deno.test("gateReads() cuts the connection when reads cannot be stopped", async () => {
  const secure = new PassThrough();
  const broken = new Error("the handle is gone");
  gateReads(secure as unknown as tls.TLSSocket, {
    readStop: () => {
      throw broken;
    },
    readStart: () => {},
  });
  const failed = new Promise((resolve) => secure.once("error", resolve));
  secure.on("data", () => {});
  await settle();
  secure.pause();
  assert.equal(await failed, broken);
  assert.ok(secure.destroyed);
});
