/**
 * What the git-gate daemon tells its mirrors' pre-receive hook through git's environment, beyond
 * the gate's own contract settings. Internal to the sidecar: the host never sets these.
 */
export const HOOK_ENV = Object.freeze(
  {
    /** The gate's private folder (hooks, known_hosts, reports). */
    privateDir: "BOT_BOTTLE_GIT_GATE_PRIVATE_DIR",
    /** The repo being pushed to. */
    repo: "BOT_BOTTLE_GIT_GATE_REPO",
    /** Where the hook appends lines for the sidecar log. */
    report: "BOT_BOTTLE_GIT_GATE_REPORT",
    /** `1` when the daemon only checks that git runs the hook at all. */
    probe: "BOT_BOTTLE_GIT_GATE_PROBE",
  } as const,
);
