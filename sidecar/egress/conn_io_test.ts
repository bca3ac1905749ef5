import assert from "node:assert/strict";
import { acceptEach } from "./_conn_io.ts";

Deno.test("acceptEach() closes a connection accepted after its owner closed, and hands over none", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const handed: Deno.Conn[] = [];
  let closed = false;
  const accepting = acceptEach(listener, {
    conn: (conn) => handed.push(conn),
    failed: () => {},
    closed: () => closed,
  });
  // One handed over while the owner is open.
  const first = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  while (handed.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  // The owner lets go, and the listener still takes one last connection.
  closed = true;
  const late = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const ended = await Promise.race([
    accepting.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000)),
  ]);
  listener.close();
  await accepting;
  assert.ok(ended, "acceptEach() stopped once its owner closed");
  assert.equal(handed.length, 1, "the late connection was not handed over");
  assert.equal(await late.read(new Uint8Array(1)), null, "and it was closed");
  late.close();
  first.close();
  for (const conn of handed) conn.close();
});
