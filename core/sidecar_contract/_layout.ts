/**
 * Where the host's files appear inside the sidecar and the agent. The host writes them into the
 * bottle's state directory and every backend mounts those directories at these paths (always a
 * directory, never a single file: the host replaces the routes file atomically, by a rename inside
 * the directory, which a single-file mount would not show, SPEC §12).
 */

/** Mount points inside the sidecar. */
export const SIDECAR_MOUNTS = Object.freeze(
  {
    /** The routes file, the bottle CA and the extra upstream CA (read-only). */
    egress: "/state/egress",
    /** The bottle's operator queue (read-write: the sidecar writes proposals). */
    queue: "/queue",
    /** The git gate's `repos.json` and `keys/` (read-only). */
    gitGate: "/state/git-gate",
    /** The git gate's bare mirrors (read-write, kept across `resume`). */
    gitMirrors: "/git",
    /** The passwd file that names the sidecar's host uid (OpenSSH refuses a uid without one). */
    passwd: "/etc/passwd",
    /** The group file beside it. */
    group: "/etc/group",
  } as const,
);

/** File names inside the sidecar's mounted directories. */
export const SIDECAR_FILES = Object.freeze(
  {
    /** In the egress directory: the live routes file (token slots, never values). */
    routes: "routes.yaml",
    /** In the egress directory: the bottle CA's folder. */
    caDir: "ca",
    /** In the egress directory: an extra CA egress trusts for upstream TLS. */
    upstreamCa: "upstream-ca.pem",
    /** In the git-gate directory: the repos (`core/git_gate` wire format). */
    gateConfig: "repos.json",
    /** In the git-gate directory: one private key per repo, `keys/<name>`. */
    gateKeys: "keys",
  } as const,
);

/**
 * In the sidecar image: the runtime's own trusted roots, written when the image is built. Its
 * daemons may not ask the runtime for them (Deno 2.9 refuses `--allow-sys=ca`), and egress needs
 * them to pass Deno only the system roots it lacks (`sidecar/egress/_upstream_roots.ts`).
 */
export const SIDECAR_RUNTIME_ROOTS = "/etc/ssl/bot-bottle/runtime-roots.pem";

/** Mount points inside the agent (read-only). */
export const AGENT_MOUNTS = Object.freeze(
  {
    /** The bottle CA's certificate alone. */
    ca: "/etc/bot-bottle/ca",
    /** The agent's system gitconfig: identity and the rewrites to the gate. */
    git: "/etc/bot-bottle/git",
  } as const,
);

/** File names inside the agent's mounted directories. */
export const AGENT_FILES = Object.freeze(
  {
    /** In the CA directory: the bottle CA certificate. */
    caCert: "ca.pem",
    /** In the git directory: the system gitconfig (`GIT_CONFIG_SYSTEM`). */
    gitconfig: "gitconfig",
  } as const,
);

/** The system CA bundle of a Debian-based agent image, once the bottle CA is installed in it. */
export const AGENT_SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/**
 * The agent's working directory: every agent image makes it, owned by the agent user, and the
 * host's working directory is copied into it at start.
 */
export const AGENT_WORKSPACE = "/home/agent/workspace";

/** The agent user's home: provider settings, transcripts and skills live under it. */
export const AGENT_HOME = "/home/agent";
