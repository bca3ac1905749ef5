// deno-lint-ignore-file no-console -- a client the benchmarks and tests read from stdout
// Node clients that hold many tunnels through the egress proxy open (issue 19's per-connection
// memory). Node, not Deno: Deno's node:tls client keeps reading after pause(), so it never stops
// a transfer. Usage:
//   node _holding_clients.cjs <proxy port> <proxy CA file> <count> <mode> [mb]
// Modes: "idle" (one small request each, then open until stdin ends), "stop" (each reads the
// first bytes of an <mb> MiB body and no more until stdin ends), "stop-resume" (each stops for
// 3 s, then reads its body to the end). Prints one JSON line once every connection is in place
// ({"held": n}), or, for "stop-resume", once every body ended ({"sizes": [...]}, body bytes).
const net = require("node:net");
const tls = require("node:tls");
const fs = require("node:fs");

const [port, caFile, count, mode, mb] = process.argv.slice(2);
const ca = fs.readFileSync(caFile);

function tunnel() {
  return new Promise((resolve, reject) => {
    const raw = net.connect(Number(port), "127.0.0.1", () => {
      raw.write("CONNECT bench.test:443 HTTP/1.1\r\nHost: bench.test:443\r\n\r\n");
      raw.once("data", (answer) => {
        if (!String(answer).startsWith("HTTP/1.1 200")) return reject(new Error(String(answer)));
        const socket = tls.connect({ socket: raw, servername: "bench.test", ca });
        socket.once("secureConnect", () => resolve(socket));
        socket.once("error", reject);
      });
    });
    raw.once("error", reject);
  });
}

async function one(i) {
  const socket = await tunnel();
  const path = mode === "idle" ? "/small" : `/big?mb=${mb}&i=${i}`;
  socket.write(`GET ${path} HTTP/1.1\r\nHost: bench.test\r\n\r\n`);
  let got = 0;
  let head = 0;
  return await new Promise((resolve, reject) => {
    socket.on("error", reject);
    socket.once("data", (first) => {
      head = first.indexOf("\r\n\r\n") + 4;
      if (mode === "idle") return resolve(socket);
      socket.pause();
      if (mode === "stop") return resolve(socket);
      setTimeout(() => socket.resume(), 3000);
    });
    socket.on("data", (chunk) => {
      got += chunk.length;
      // The body's end (content-length framing, the connection kept alive): its size.
      if (mode === "stop-resume" && got - head >= Number(mb) * 1048576) resolve(got - head);
    });
  });
}

(async () => {
  const all = [];
  // A few handshakes at a time (a loaded origin drops a burst of hundreds), except when each
  // client resumes on its own: then all must be stopped at once.
  const step = mode === "stop-resume" ? Number(count) : 20;
  for (let i = 0; i < Number(count); i += step) {
    const batch = Array.from({ length: Math.min(step, Number(count) - i) }, (_, j) => one(i + j));
    all.push(...(await Promise.all(batch)));
  }
  if (mode === "stop-resume") {
    console.log(JSON.stringify({ sizes: all }));
    process.exit(0);
  }
  console.log(JSON.stringify({ held: all.length }));
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
