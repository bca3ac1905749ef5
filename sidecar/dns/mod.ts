/**
 * The sidecar's DNS face: the agent's resolver points at the sidecar, and here every query is
 * answered REFUSED at once. Nothing is ever resolved or forwarded, so no name leaves the bottle
 * (SPEC §1.3); the answer only spares each lookup the resolver's timeout, which a sidecar that
 * did not answer at all cost every program in the bottle, and the launch's self-test, a second.
 *
 * @module
 * @example
 * ```ts
 * import { startDnsRefuser } from "./mod.ts";
 *
 * const dns = await startDnsRefuser({ hostname: "127.0.0.1", port: 0 });
 * console.assert(dns.address.port > 0);
 * await dns.close();
 * ```
 */
import { createSocket, type Socket } from "node:dgram";
import { refusal } from "./_refusal.ts";

/** A running responder. */
export interface DnsRefuser {
  /** Where it answers (the port the system chose, for port 0). */
  address: { hostname: string; port: number };
  /** Stop answering. */
  close(): Promise<void>;
}

/**
 * Answer every DNS query on a UDP address with REFUSED.
 *
 * @param listen Where to answer; port 0 lets the system choose.
 * @returns The running responder.
 * @throws {Error} When the address cannot be bound (in use, or a port below the namespace's
 *   `net.ipv4.ip_unprivileged_port_start` for a user without the capability).
 */
export async function startDnsRefuser(
  listen: { hostname: string; port: number },
): Promise<DnsRefuser> {
  const socket = createSocket(listen.hostname.includes(":") ? "udp6" : "udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(listen.port, listen.hostname, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  // A reply that cannot be sent (the asker gone) is its resolver's timeout, never this daemon's
  // end: an unheard "error" event would throw.
  socket.on("error", () => {});
  socket.on("message", (query, from) => answer(socket, query, from));
  return {
    address: { hostname: listen.hostname, port: socket.address().port },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function answer(socket: Socket, query: Uint8Array, from: { address: string; port: number }) {
  const reply = refusal(query);
  if (reply !== undefined) socket.send(reply, from.port, from.address);
}
