/**
 * Test bed for `install.sh`: a fake release served over HTTP on loopback, and a sandbox (HOME,
 * TMPDIR, a fake `uname`/`sysctl` OS probe) to run the script in with a clean environment.
 */
import { createHash } from "node:crypto";
import { delimiter, join } from "node:path";

/** The release targets built by `deno task compile`. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
] as const;

/** The script under test. */
export const INSTALL_SH = new URL("../../install.sh", import.meta.url).pathname;

/** What one run of the script printed. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fake release at `url` (`…/download`); `requests` lists the paths asked for, in order. */
export interface Release {
  url: string;
  requests: string[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** A scratch HOME, TMPDIR and OS probe; removed on dispose. */
export interface Sandbox {
  root: string;
  home: string;
  tmp: string;
  probe: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A stand-in `bot-bottle`: `doctor` prints what it was given, then runs `doctorTail`.
 *
 * @param label Printed by doctor so a test can tell which binary got installed.
 * @param doctorTail Shell run at the end of `doctor` (e.g. `exit 1`).
 * @returns The script text.
 */
export function fakeBinary(label: string, doctorTail = ""): string {
  return [
    "#!/bin/sh",
    'if [ "$1" = doctor ]; then',
    `  echo "ok: fake doctor ${label} home=$BOT_BOTTLE_HOME"`,
    `  ${doctorTail || ":"}`,
    "fi",
    "",
  ].join("\n");
}

/** SHA-256 of `text` as lowercase hex, like `sha256sum`. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A SHA256SUMS file for `files`, in the format `tools/compile.ts` writes. */
export function sums(files: Record<string, string>): string {
  return Object.entries(files).map(([name, text]) => `${sha256(text)}  ${name}\n`).join("");
}

/**
 * A release with every target: each binary's doctor prints its target.
 *
 * @returns File name → content, SHA256SUMS included.
 */
export function fullRelease(): Record<string, string> {
  const files = Object.fromEntries(TARGETS.map((t) => [`bot-bottle-${t}`, fakeBinary(t)]));
  return { ...files, SHA256SUMS: sums(files) };
}

/**
 * Serve `files` under `/download/` on 127.0.0.1 (anything else is a 404).
 *
 * @param files File name → content.
 * @returns The release; dispose it with `await using`.
 */
export function serveRelease(files: Record<string, string>): Release {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    requests.push(path);
    const body = path.startsWith("/download/") ? files[path.slice("/download/".length)] : undefined;
    return body === undefined ? new Response("not found", { status: 404 }) : new Response(body);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/download`,
    requests,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/**
 * A fresh sandbox whose OS probe reports `os`/`arch` (and Rosetta when `translated`).
 *
 * @returns The sandbox; dispose it with `await using`.
 */
export async function makeSandbox(
  os = "Linux",
  arch = "x86_64",
  options: { translated?: boolean } = {},
): Promise<Sandbox> {
  const root = await Deno.makeTempDir({ prefix: "bb-install-" });
  const [home, tmp, probe] = [join(root, "home"), join(root, "tmp"), join(root, "probe")];
  for (const dir of [home, tmp, probe]) await Deno.mkdir(dir);
  await writeScript(
    join(probe, "uname"),
    `case "$1" in -s) echo '${os}' ;; -m) echo '${arch}' ;; *) exit 2 ;; esac`,
  );
  await writeScript(
    join(probe, "sysctl"),
    options.translated ? "echo 1" : "echo 'sysctl: unknown oid' >&2; exit 1",
  );
  return {
    root,
    home,
    tmp,
    probe,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

/**
 * Write an executable `#!/bin/sh` script.
 *
 * @param path Where.
 * @param body The script after the shebang.
 */
export async function writeScript(path: string, body: string): Promise<void> {
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  await Deno.chmod(path, 0o755);
}

/**
 * A folder holding links to only these host programs, for a PATH without the rest.
 *
 * @param dir Where to create the links.
 * @param programs Program names to find on the host PATH; missing ones are skipped.
 */
export async function linkPrograms(dir: string, programs: string[]): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const program of programs) {
    const found = which(program);
    if (found !== undefined) await Deno.symlink(found, join(dir, program));
  }
}

/** The host's path for `program`, or undefined. */
export function which(program: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    const path = join(dir, program);
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

/**
 * Run `install.sh` in the sandbox with a clean environment.
 *
 * @param box The sandbox (HOME, TMPDIR and the OS probe first on PATH).
 * @param options `url` of the release; `env` added or overriding; `path` replaces the host PATH
 *   after the probe; `shell` runs the script (default `/bin/sh`); `piped` feeds the script on
 *   stdin as `curl … | sh` does.
 * @returns Exit code and output.
 */
export async function runInstall(
  box: Sandbox,
  options: {
    url: string;
    env?: Record<string, string>;
    path?: string;
    shell?: string[];
    piped?: boolean;
  },
): Promise<Run> {
  const [shell, ...shellArgs] = options.shell ?? ["/bin/sh"];
  const command = new Deno.Command(shell ?? "/bin/sh", {
    args: options.piped ? shellArgs : [...shellArgs, INSTALL_SH],
    clearEnv: true,
    env: {
      HOME: box.home,
      TMPDIR: box.tmp,
      PATH: `${box.probe}${delimiter}${options.path ?? Deno.env.get("PATH") ?? ""}`,
      BOT_BOTTLE_INSTALL_URL: options.url,
      ...options.env,
    },
    stdin: options.piped ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  if (options.piped) {
    const writer = child.stdin.getWriter();
    await writer.write(await Deno.readFile(INSTALL_SH));
    await writer.close();
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}
