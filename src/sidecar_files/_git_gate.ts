/**
 * The git gate's files (SPEC §6.2, §8): `repos.json` and a copy of each repo's private key in a
 * 0700 directory mounted into the sidecar only, the mirrors directory the gate keeps across
 * `resume`, and the agent's gitconfig. A key file is checked before it is copied, so a wrong path
 * fails the launch with the repo's name rather than a push with an ssh error; no message ever
 * quotes a key file's content.
 */
import { AGENT_FILES, SIDECAR_FILES } from "../../core/sidecar_contract/mod.ts";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { writeFileAtomic } from "../../core/atomic_file/mod.ts";
import { ConfigError } from "../../core/errors/mod.ts";
import { renderGateConfig } from "../../core/git_gate/mod.ts";
import { renderAgentGitconfig } from "./_agent_gitconfig.ts";
import type { BottlePlan } from "../plan/mod.ts";

/** Far above any SSH private key; a bigger file is not one. */
const MAX_KEY_BYTES = 64 * 1024;
const PEM =
  /^-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----\r?\n[\s\S]*\r?\n-----END ([A-Z0-9]+ )*PRIVATE KEY-----\s*$/;

/**
 * Write the gate's config and keys (or remove them when there are no repos) and create the
 * mirrors directory.
 *
 * @param plan The bottle plan.
 * @throws {ConfigError} When a key file is missing, unreadable, not a private key or has a
 *   passphrase.
 */
export async function writeGitGateFiles(plan: BottlePlan): Promise<void> {
  const { gitGate, gitMirrors } = plan.paths;
  const { repos, keys } = plan.gitGate;
  // Repos removed from the manifest since the last launch leave no key behind.
  await Deno.remove(gitGate, { recursive: true }).catch((err: unknown) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
  if (repos.length === 0) return;
  const material = await Promise.all(
    keys.map(async (key) => ({ name: key.name, bytes: await readKey(plan.bottle, key) })),
  );
  const keysDir = join(gitGate, SIDECAR_FILES.gateKeys);
  for (const dir of [gitGate, keysDir, gitMirrors]) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await Deno.chmod(dir, 0o700);
  }
  await writeFileAtomic(join(gitGate, SIDECAR_FILES.gateConfig), renderGateConfig({ repos }), {
    mode: 0o600,
  });
  for (const { name, bytes } of material) {
    await writeFileAtomic(join(keysDir, name), bytes, { mode: 0o600 });
  }
}

/**
 * Write the agent's gitconfig (always: it carries the commit identity even without repos).
 *
 * @param plan The bottle plan.
 */
export async function writeAgentGitconfig(plan: BottlePlan): Promise<void> {
  const dir = plan.paths.agentGit;
  await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
  await Deno.chmod(dir, 0o755);
  const text = renderAgentGitconfig({
    user: plan.gitGate.user,
    repos: plan.gitGate.repos,
  });
  await writeFileAtomic(join(dir, AGENT_FILES.gitconfig), text, { mode: 0o644 });
}

async function readKey(bottle: string, key: { name: string; path: string }): Promise<Uint8Array> {
  const problem = (why: string, cause?: unknown) =>
    new ConfigError(
      `Cannot start bottle "${bottle}": the key of git-gate repo "${key.name}" (${key.path}) ${why}`,
      cause === undefined ? undefined : { cause },
    );
  let bytes: Uint8Array;
  try {
    const info = await Deno.stat(key.path);
    if (!info.isFile) throw problem("is not a file");
    if (info.size > MAX_KEY_BYTES) throw problem("is too large to be an SSH private key");
    bytes = await Deno.readFile(key.path);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const why = err instanceof Deno.errors.NotFound
      ? "does not exist"
      : err instanceof Deno.errors.PermissionDenied
      ? "cannot be read (permission denied)"
      : `cannot be read (${err instanceof Error ? err.name : "unknown error"})`;
    throw problem(why, err);
  }
  const why = keyProblem(new TextDecoder().decode(bytes));
  if (why !== undefined) throw problem(why);
  return bytes;
}

const NOT_A_KEY =
  "is not an SSH private key (expected -----BEGIN … PRIVATE KEY-----; is it the .pub file?)";
const PASSPHRASE =
  "has a passphrase; the gate pushes unattended, so give it a key without one (a deploy key)";

/**
 * Why a file cannot serve as the gate's key, if it cannot. Legacy PEM marks a passphrase in its
 * header; OpenSSH's format names its cipher right after the magic.
 */
function keyProblem(text: string): string | undefined {
  if (!PEM.test(text)) return NOT_A_KEY;
  if (/^-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text) || /Proc-Type: 4,ENCRYPTED/.test(text)) {
    return PASSPHRASE;
  }
  const body = /^-----BEGIN OPENSSH PRIVATE KEY-----\r?\n([\s\S]*?)-----END/.exec(text)?.[1];
  if (body === undefined) return undefined;
  const blob = Buffer.from(body.replace(/\s+/g, ""), "base64");
  const magic = "openssh-key-v1\0";
  const at = magic.length;
  if (blob.subarray(0, at).toString("latin1") !== magic || blob.length < at + 4) return NOT_A_KEY;
  const cipher = blob.subarray(at + 4, at + 4 + blob.readUInt32BE(at)).toString("latin1");
  return cipher === "none" ? undefined : PASSPHRASE;
}
