/**
 * The V8 side of a process's memory, read through its inspector (`--inspect`): the JS heap and
 * the external (ArrayBuffer) memory, beside the RSS that /proc gives. What RSS has beyond both
 * is native: TLS sessions, sockets, the allocator's pages. Loopback only.
 */

/** Bytes in use now, as `Deno.memoryUsage()` in the process reports them. */
export interface V8Memory {
  /** Live JS heap. */
  heapUsed: number;
  /** ArrayBuffer and other external memory V8 accounts for. */
  external: number;
}

/** An open inspector session; dispose it to close. */
export interface V8MemoryProbe extends Disposable {
  /** The process's memory now. */
  read(): Promise<V8Memory>;
}

/**
 * Attach to the inspector a process opened with `--inspect=127.0.0.1:<port>`.
 *
 * @param port The inspector's port.
 * @returns The probe.
 * @throws {Error} When no inspector target answers there.
 */
export async function attachV8Memory(port: number): Promise<V8MemoryProbe> {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as {
    webSocketDebuggerUrl: string;
  }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error(`cannot open the inspector at ${url}`));
  });
  const waiting = new Map<number, (value: string) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    waiting.get(message.id)?.(message.result?.result?.value ?? "{}");
    waiting.delete(message.id);
  };
  let id = 0;
  return {
    async read() {
      const value = await new Promise<string>((resolve) => {
        waiting.set(++id, resolve);
        socket.send(JSON.stringify({
          id,
          method: "Runtime.evaluate",
          params: { expression: "JSON.stringify(Deno.memoryUsage())", returnByValue: true },
        }));
      });
      const usage = JSON.parse(value);
      return { heapUsed: usage.heapUsed ?? 0, external: usage.external ?? 0 };
    },
    [Symbol.dispose]() {
      socket.close();
    },
  };
}
