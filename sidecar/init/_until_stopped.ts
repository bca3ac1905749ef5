/** The life of a daemon that only serves: start, then wait for SIGTERM or SIGINT, then close. */
import type { DaemonIo } from "./_daemon_io.ts";
import { EventQueue } from "./_event_queue.ts";
import type { HandledSignal } from "./_signals.ts";

/**
 * Start a server and keep it until SIGTERM or SIGINT (SIGHUP is not for these daemons). Signals
 * are listened for before the server starts, so one that arrives while it starts is not lost.
 *
 * @param io The daemon's signals.
 * @param start Starts the server.
 * @returns 0 once the server closed.
 */
export async function serveUntilStopped(
  io: DaemonIo,
  start: () => Promise<{ close(): Promise<void> }>,
): Promise<number> {
  const signals = new EventQueue<HandledSignal>();
  const unsubscribe = io.signals((signal) => signals.push(signal));
  try {
    const server = await start();
    try {
      while (await signals.next() === "SIGHUP");
    } finally {
      await server.close();
    }
    return 0;
  } finally {
    unsubscribe();
  }
}
