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

/** What the process's live buffers hold, after a full collection (bytes). */
export interface HeldMemory {
  /** Every live ArrayBuffer's size together. */
  buffers: number;
  /**
   * The bytes written to its `node:tls` sockets and not yet taken by them: Deno keeps these in
   * native buffers, outside the ArrayBuffers.
   */
  tlsQueued: number;
}

/** An open inspector session; dispose it to close. */
export interface V8MemoryProbe extends Disposable {
  /** The process's memory now. */
  read(): Promise<V8Memory>;
  /** What its live buffers hold now, dead ones collected first. */
  held(): Promise<HeldMemory>;
}

/** Sums the `byteLength` or `writableLength` of the objects an inspector query found. */
const SUM = `function (key) { let n = 0; for (const o of this) n += o[key] ?? 0; return n; }`;

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
  const waiting = new Map<number, (result: Record<string, unknown>) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    waiting.get(message.id)?.(message.result ?? {});
    waiting.delete(message.id);
  };
  let id = 0;
  // deno-lint-ignore no-explicit-any -- the protocol's results, read field by field
  const call = (method: string, params: unknown = {}): Promise<any> =>
    new Promise((resolve) => {
      waiting.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  /** The sum of `key` over every live object with this prototype (an expression). */
  const sum = async (prototype: string, key: string): Promise<number> => {
    const found = await call("Runtime.evaluate", { expression: prototype, awaitPromise: true });
    const objects = await call("Runtime.queryObjects", {
      prototypeObjectId: found.result.objectId,
    });
    const total = await call("Runtime.callFunctionOn", {
      objectId: objects.objects.objectId,
      functionDeclaration: SUM,
      arguments: [{ value: key }],
      returnByValue: true,
    });
    return total.result.value;
  };
  return {
    async read() {
      const answer = await call("Runtime.evaluate", {
        expression: "JSON.stringify(Deno.memoryUsage())",
        returnByValue: true,
      });
      const usage = JSON.parse(answer.result?.value ?? "{}");
      return { heapUsed: usage.heapUsed ?? 0, external: usage.external ?? 0 };
    },
    async held() {
      await call("HeapProfiler.collectGarbage");
      return {
        buffers: await sum("ArrayBuffer.prototype", "byteLength"),
        tlsQueued: await sum(
          "import('node:tls').then((tls) => tls.TLSSocket.prototype)",
          "writableLength",
        ),
      };
    },
    [Symbol.dispose]() {
      socket.close();
    },
  };
}
