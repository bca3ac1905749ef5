/**
 * The mirrors' pre-receive hook (SPEC §6.2): scan what the push adds, ask the operator about
 * `gitleaks:allow` lines, forward to the upstream, and only then let the mirror take the push.
 * Its stderr reaches the git client (`remote: …`); what the sidecar log should show goes to the
 * report file the server relays once the push is over. Any failure refuses the push.
 */
import { SIDECAR_FILES } from "../../core/sidecar_contract/mod.ts";
import { join } from "node:path";
import { DlpEngine } from "../../core/dlp/mod.ts";
import { type GateRepo, parseGateConfig } from "../../core/git_gate/mod.ts";
import { askOperator, refusalReason } from "../../core/queue/mod.ts";
import { describeFinding, parseRefUpdates, type PushFinding, scanPush } from "../git_scan/mod.ts";
import { forwardArgs, forwardPush, pushOptions, staleUpdates } from "./_forward.ts";
import { baseGitEnv, type GateDirs, sshFiles } from "./_mirror.ts";
import { nameProblems } from "./_names.ts";
import { upstreamSsh } from "./_ssh.ts";
import { openSshMaster } from "./_ssh_master.ts";
import { messageOf } from "../../core/errors/mod.ts";

/** What the hook is told by the gate, through the environment git hands it. */
export interface PreReceiveSettings {
  /** The gate's directories (the mirror directory is the hook's own repo's parent). */
  dirs: GateDirs;
  /** The repo being pushed to. */
  repoName: string;
  /** Where to append log lines for the sidecar log. */
  reportFile: string;
  /** The bottle's queue, for `gitleaks-allow` proposals (absent: such a push is refused). */
  queue?: { dir: string; bottleSlug: string };
  /** The bottle canary; a push carrying it is refused. */
  canary?: string;
  /** How long a `gitleaks-allow` proposal waits for the operator. */
  allowTimeoutMs: number;
  /** Timeout of each git child (scan, ancestry, forward). */
  timeoutMs: number;
}

/** The hook's inputs besides its settings. */
export interface PreReceiveIo {
  /** What git wrote on stdin: one `<old> <new> <ref>` line per ref. */
  stdin: string;
  /** The hook's environment (quarantine variables, push options, PATH). */
  env: Readonly<Record<string, string | undefined>>;
  /** The hook's working directory: the bare repo. */
  gitDir: string;
  /** One line to the git client. */
  say: (line: string) => void;
  /**
   * Calls `stop` when the hook is told to end while it waits for the operator, and returns
   * what unsubscribes it: SIGTERM in the hook process (the gate's signal when the client went or
   * the push's time is up). Tests pass their own: a signal reaches the whole process, and the
   * other test files running in it.
   */
  onStop: (stop: () => void) => () => void;
}

const QUARANTINE = [
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_QUARANTINE_PATH",
];

/**
 * Run the hook.
 *
 * @param settings What the gate passed.
 * @param io Stdin, environment, repo and client output.
 * @returns 0 to accept the push into the mirror (it was forwarded), 1 to refuse it.
 */
export async function runPreReceive(
  settings: PreReceiveSettings,
  io: PreReceiveIo,
): Promise<number> {
  const report = (event: Record<string, unknown>) =>
    Deno.writeTextFileSync(
      settings.reportFile,
      JSON.stringify({ repo: settings.repoName, ...event }) + "\n",
      {
        append: true,
        mode: 0o600,
      },
    );
  try {
    const repo = await loadRepo(settings);
    const updates = parseRefUpdates(io.stdin);
    const env = baseGitEnv(settings.dirs, io.env.PATH ?? "/usr/bin:/bin");
    for (const name of QUARANTINE) {
      const value = io.env[name];
      if (value !== undefined) env[name] = value;
    }
    const options = pushOptions(io.env);
    const dlp = new DlpEngine({
      knownSecrets: [],
      ...(settings.canary ? { canary: settings.canary } : {}),
    });
    const stale = await staleUpdates(updates, {
      gitDir: io.gitDir,
      env,
      timeoutMs: settings.timeoutMs,
    });
    const problems = [
      // Counted, not named: a ref name is scanned below and may itself be a secret.
      ...(stale.length === 0
        ? []
        : [`${stale.length} ref(s) changed since this push began; fetch and push again`]),
      ...nameProblems(updates, { pushOptions: options, dlp }),
    ];
    if (problems.length > 0) {
      io.say("git gate: push refused:");
      for (const problem of problems) io.say(`  ${problem}`);
      report({ event: "push_refused", reason: "refs", problems });
      return 1;
    }
    const files = sshFiles(settings.dirs, repo);
    // Connecting while the scan runs; no git data is sent before it passes.
    await using master = await openSshMaster(repo, files, {
      dir: settings.dirs.privateDir,
      env,
    });
    const scanStarted = performance.now();
    const scan = await scanPush(updates, {
      gitDir: io.gitDir,
      env,
      dlp,
      timeoutMs: settings.timeoutMs,
    });
    const scanMs = Math.round(performance.now() - scanStarted);
    const blocking = scan.findings.filter((f) => !f.suppressed);
    if (blocking.length > 0) {
      refuseFindings(blocking, io.say);
      report({ event: "push_refused", reason: "secrets", findings: blocking.map(logged) });
      return 1;
    }
    const suppressed = scan.findings.filter((f) => f.suppressed);
    if (suppressed.length > 0) {
      const verdict = await askAboutAllowed(repo, suppressed, settings, io, report);
      if (verdict !== undefined) {
        io.say(`git gate: push refused: ${verdict}`);
        report({ event: "push_refused", reason: verdict, findings: suppressed.map(logged) });
        return 1;
      }
    }
    const ssh = upstreamSsh(repo, files, master.clientArgs);
    const run = { gitDir: io.gitDir, env: { ...env, ...ssh.env }, timeoutMs: settings.timeoutMs };
    const forwardStarted = performance.now();
    const args = forwardArgs(updates);
    // Should the push be stopped from here on, the log shows that the upstream may have it.
    report({ event: "forward_started", url: repo.url, refspecs: args.refspecs });
    const upstream = await forwardPush(args, { ...run, url: ssh.url, pushOptions: options });
    for (const line of upstream.split("\n")) if (line.trim() !== "") io.say(`upstream: ${line}`);
    io.say(`git gate: scanned ${scan.commits} new commit(s), forwarded to ${repo.url}`);
    report({
      event: "push_forwarded",
      url: repo.url,
      refspecs: args.refspecs,
      commits: scan.commits,
      scanned_bytes: scan.bytes,
      scan_ms: scanMs,
      forward_ms: Math.round(performance.now() - forwardStarted),
      // Since this process started: its own start-up is the rest.
      hook_ms: Math.round(performance.now()),
      hook_at: Math.round(performance.timeOrigin),
    });
    return 0;
  } catch (err) {
    const reason = messageOf(err);
    io.say(`git gate: push refused: ${reason}`);
    report({ event: "push_refused", reason });
    return 1;
  }
}

async function loadRepo(settings: PreReceiveSettings): Promise<GateRepo> {
  const text = await Deno.readTextFile(join(settings.dirs.configDir, SIDECAR_FILES.gateConfig));
  const parsed = parseGateConfig(text);
  const repo = parsed.config?.repos.find((r) => r.name === settings.repoName);
  if (repo === undefined) {
    throw new Error(
      `the gate has no repo "${settings.repoName}" (${parsed.problem ?? "not declared"})`,
    );
  }
  return repo;
}

function refuseFindings(findings: readonly PushFinding[], say: (line: string) => void): void {
  say(`git gate: push refused: ${findings.length} secret(s) in the new commits`);
  for (const finding of findings) say(`  ${describeFinding(finding)}`);
  say("git gate: remove them from the commits (not just the latest one) and push again");
}

function logged(f: PushFinding): Record<string, unknown> {
  return {
    ref: f.ref,
    commit: f.commit,
    file: f.file,
    line: f.line,
    rule: f.rule,
    snippet: f.snippet,
  };
}

/** Ask the operator; resolves to undefined when approved, else the reason to refuse. */
async function askAboutAllowed(
  repo: GateRepo,
  findings: readonly PushFinding[],
  settings: PreReceiveSettings,
  io: PreReceiveIo,
  report: (event: Record<string, unknown>) => void,
): Promise<string | undefined> {
  const { say } = io;
  if (settings.queue === undefined) {
    return "gitleaks:allow needs an operator and this bottle has no queue";
  }
  // Stopped while waiting (client gone, push deadline): the proposal is withdrawn, so that no
  // approval is ever recorded for a push that did not happen.
  const stopped = new AbortController();
  const unsubscribe = io.onStop(() => stopped.abort());
  let verdict;
  try {
    verdict = await askOperator({
      tool: "gitleaks-allow",
      proposedFile: [
        `repo: ${repo.name} (${repo.url})`,
        "findings on lines marked gitleaks:allow:",
        ...findings.map((f) => `  ${describeFinding(f)}`),
        "",
      ].join("\n"),
      justification: "the agent marked these lines gitleaks:allow; approve only for test " +
        "fixtures or confirmed false positives",
    }, {
      queueDir: settings.queue.dir,
      bottleSlug: settings.queue.bottleSlug,
      timeoutMs: settings.allowTimeoutMs,
      signal: stopped.signal,
      onQueued: (proposal) => {
        say(
          `git gate: ${findings.length} finding(s) marked gitleaks:allow wait for the operator ` +
            `(proposal ${proposal.id.slice(0, 8)}; bot-bottle supervise on the host)`,
        );
        report({ event: "push_waiting", proposal: proposal.id, findings: findings.map(logged) });
      },
    });
  } finally {
    unsubscribe();
  }
  if (verdict.status !== "approved") {
    return refusalReason(verdict) ?? "the operator did not approve it";
  }
  const notes = verdict.notes === "" ? "" : ` (${verdict.notes})`;
  say(`git gate: the operator approved the gitleaks:allow lines${notes}`);
  report({ event: "gitleaks_allow_approved", proposal: verdict.proposalId, notes: verdict.notes });
  return undefined;
}
