import { dirname, join } from "node:path";
import { DlpEngine } from "../../core/dlp/mod.ts";
import { scanPush } from "./_scan_push.ts";
import type { RefUpdate } from "./_ref_updates.ts";
import type { PushScan, ScanPushOptions } from "./_types.ts";

// Test-only helpers: a work repo and a bare "gate" repo built with the real git.

/** The all-zeros id of a SHA-1 repo. */
export const ZERO = "0".repeat(40);

/** Secrets assembled at run time, so no credential-shaped literal sits in the source. */
export const SECRETS = Object.freeze({
  awsKeyId: `AKIA${"Z7Q3".repeat(4)}`,
  awsSecret: `${"wJalrXUtnFEMI/K7MDENG+bPxRfiCY".slice(0, 30)}${"Q9".repeat(5)}`,
  github: `ghp_${"a1B2c3D4e5F6".repeat(3)}`,
  canary: `bb-canary-${"7f3a9c1e".repeat(3)}`,
  privateKey: [
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    `b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW`,
    `QyNTUxOQAAACD${"Xk3q".repeat(8)}AAAAJgAAAAtzc2gtZWQyNTUxOQAAACD`,
    "-----END OPENSSH PRIVATE KEY-----",
  ].join("\n"),
});

/** Bytes scanned in a fixture commit's author and committer lines and its one-line message. */
export function metadataBytes(message: string): number {
  const who = "Test <test@example.invalid> 1700000000 +0000";
  return `author ${who}\ncommitter ${who}`.length + message.length;
}

/** A work repo, a bare gate repo, and a scanner over the gate. */
export class GitFixture {
  readonly dir: string;
  readonly work: string;
  readonly gate: string;
  readonly env: Record<string, string>;
  #tick = 0;

  /** Paths inside `dir`; use {@link GitFixture.create} to make the repos. */
  constructor(dir: string) {
    this.dir = dir;
    this.work = join(dir, "work");
    this.gate = join(dir, "gate.git");
    this.env = {
      HOME: dir,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "Test",
      GIT_AUTHOR_EMAIL: "test@example.invalid",
      GIT_COMMITTER_NAME: "Test",
      GIT_COMMITTER_EMAIL: "test@example.invalid",
    };
  }

  /** Create both repos in a new temp dir. */
  static async create(): Promise<GitFixture> {
    const fixture = new GitFixture(await Deno.makeTempDir({ prefix: "bb-git-scan-" }));
    await fixture.git(["init", "-q", "-b", "main", fixture.work], fixture.dir);
    await fixture.git(["init", "-q", "--bare", fixture.gate], fixture.dir);
    return fixture;
  }

  /** Create both repos, with one clean commit on `main` that the gate already has. */
  static async gated(): Promise<GitFixture> {
    const repo = await GitFixture.create();
    await repo.commit("base", { "README.md": "# hello\n" });
    await repo.publish("main");
    return repo;
  }

  /** Run git (in the work repo by default); returns trimmed stdout. */
  async git(
    args: readonly string[],
    cwd = this.work,
    env: Record<string, string> = {},
  ): Promise<string> {
    const out = await new Deno.Command("git", {
      args: [...args],
      cwd,
      env: { ...this.env, ...env },
    })
      .output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    if (!out.success) throw new Error(`git ${args.join(" ")} failed: ${text(out.stderr)}`);
    return text(out.stdout).trim();
  }

  /** Write (or, for null, delete) files, commit everything, and return the commit id. */
  async commit(
    message: string,
    files: Record<string, string | Uint8Array | null>,
  ): Promise<string> {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) {
        await Deno.remove(full);
        continue;
      }
      await Deno.mkdir(dirname(full), { recursive: true });
      await Deno.writeFile(full, typeof content === "string" ? encode(content) : content);
    }
    await this.git(["add", "-A"]);
    // Distinct dates keep commit ids distinct and rev-list order stable.
    const date = `${1_700_000_000 + this.#tick++} +0000`;
    await this.git(["commit", "-q", "--allow-empty", "-m", message], this.work, {
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
    return await this.git(["rev-parse", "HEAD"]);
  }

  /** Push `refspec` to the gate with its refs: what the gate already has (upstream). */
  async publish(refspec: string): Promise<void> {
    await this.git(["push", "-q", this.gate, refspec]);
  }

  /** Put the objects of `rev` into the gate without any ref, as pre-receive sees a push. */
  async stage(rev: string): Promise<string> {
    const id = await this.git(["rev-parse", rev]);
    await this.git(["push", "-q", this.gate, `${id}:refs/incoming/x`]);
    await this.git(["update-ref", "-d", "refs/incoming/x"], this.gate);
    return id;
  }

  /** Scan updates against the gate with the test environment. */
  scan(
    updates: readonly RefUpdate[],
    options: Partial<Omit<ScanPushOptions, "gitDir" | "env">> = {},
  ): Promise<PushScan> {
    return scanPush(updates, {
      gitDir: this.gate,
      env: this.env,
      dlp: new DlpEngine({ knownSecrets: [], canary: SECRETS.canary }),
      timeoutMs: 30_000,
      ...options,
    });
  }

  /** Stage `rev` and scan it as an update of `ref` (created, unless `old` is given). */
  async push(rev: string, ref = "refs/heads/main", old = ZERO): Promise<PushScan> {
    return await this.scan([{ old, new: await this.stage(rev), ref }]);
  }

  /** Remove the temp dir. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Deno.remove(this.dir, { recursive: true });
  }
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
