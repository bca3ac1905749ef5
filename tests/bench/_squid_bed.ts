/**
 * Squid ssl-bump (Debian's `squid-openssl`) in front of the benchmark origin, the yardstick the
 * egress figures are read against: peek at step 1 then bump, the origin verified against the
 * test CA, a host allowlist of `bench.test`, no cache, no access log, one worker. It knows no
 * `--connect-to`, so `bench.test` resolves to loopback through its own hosts file and clients
 * CONNECT to the origin's real port.
 */
import { join } from "node:path";
import { loadOrCreateCa } from "../../core/tls/mod.ts";

const CERTGEN = "/usr/lib/squid/security_file_certgen";

/** A running Squid. */
export interface SquidBed extends AsyncDisposable {
  /** Where it listens. */
  port: number;
  /** The CA its bumped leaves chain to (what a client through it trusts). */
  ca: string;
  /** Its main process id. */
  pid: number;
  /** The last lines of its cache.log. */
  logTail(lines?: number): Promise<string>;
}

/** Where to put Squid and what it fronts. */
export interface SquidOptions {
  /** A folder of its own (made here; removed on dispose). */
  dir: string;
  /** Where it listens. */
  port: number;
  /** The origin's CA file (upstream verification). */
  originCa: string;
}

/**
 * Write the configuration, start Squid in the foreground, and wait until it accepts.
 *
 * @param options Its folder, port and the origin's CA.
 * @returns The running Squid; dispose it to stop it.
 * @throws {Error} when `squid-openssl` is not installed or it never listens.
 */
export async function startSquid(options: SquidOptions): Promise<SquidBed> {
  await Deno.mkdir(options.dir, { recursive: true });
  try {
    return await spawnSquid(options);
  } catch (err) {
    await Deno.remove(options.dir, { recursive: true });
    throw err;
  }
}

async function spawnSquid(options: SquidOptions): Promise<SquidBed> {
  const { dir, port } = options;
  await loadOrCreateCa(join(dir, "ca"));
  await Deno.writeTextFile(join(dir, "hosts"), "127.0.0.1 bench.test\n");
  const db = join(dir, "ssldb");
  try {
    await Deno.stat(CERTGEN);
  } catch (err) {
    throw new Error(`no ${CERTGEN}: install squid-openssl (scripts/_ensure_packages.sh)`, {
      cause: err,
    });
  }
  await must(CERTGEN, ["-c", "-s", db, "-M", "4MB"]);
  // Squid drops to the `proxy` user for its helpers and logs; as root it must be able to write.
  if (Deno.uid() === 0) await must("chown", ["-R", "proxy:proxy", dir]);
  const conf = join(dir, "squid.conf");
  await Deno.writeTextFile(conf, config(options, join(dir, "ca"), db));
  const child = new Deno.Command("squid", {
    args: ["-N", "-f", conf],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await untilListening(port, child);
  } catch (err) {
    child.kill("SIGTERM");
    await child.status;
    throw err;
  }
  return {
    port,
    ca: join(dir, "ca", "ca.pem"),
    pid: child.pid,
    async logTail(lines = 20) {
      const log = await Deno.readTextFile(join(dir, "cache.log")).catch(() => "");
      return log.trimEnd().split("\n").slice(-lines).join("\n");
    },
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function config(options: SquidOptions, caDir: string, db: string): string {
  const { dir, port, originCa } = options;
  return [
    `http_port 127.0.0.1:${port} ssl-bump generate-host-certificates=on` +
    ` dynamic_cert_mem_cache_size=16MB tls-cert=${join(caDir, "ca.pem")}` +
    ` tls-key=${join(caDir, "ca-key.pem")}`,
    `sslcrtd_program ${CERTGEN} -s ${db} -M 4MB`,
    "sslcrtd_children 2 startup=1",
    "acl step1 at_step SslBump1",
    "ssl_bump peek step1",
    "ssl_bump bump all",
    `tls_outgoing_options cafile=${originCa}`,
    "acl allowed dstdomain bench.test",
    "http_access allow allowed",
    "http_access deny all",
    `hosts_file ${join(dir, "hosts")}`,
    "cache deny all",
    "cache_mem 0 MB",
    "access_log none",
    `cache_log ${join(dir, "cache.log")}`,
    `pid_filename ${join(dir, "squid.pid")}`,
    `coredump_dir ${dir}`,
    "pinger_enable off",
    "shutdown_lifetime 0 seconds",
    "workers 1",
    "",
  ].join("\n");
}

async function must(program: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(program, { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${program} failed: ${new TextDecoder().decode(out.stderr)}`, {
      cause: out.code,
    });
  }
}

async function untilListening(port: number, child: Deno.ChildProcess): Promise<void> {
  let exited = false;
  void child.status.then(() => exited = true);
  for (let i = 0; i < 100 && !exited; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`squid did not listen on ${port} (see its cache.log)`);
}
