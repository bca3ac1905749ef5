/**
 * Shapes of the values a git-gate repo carries into gitconfigs, argv, known_hosts lines and
 * paths: the manifest loader and the sidecar check them with the same patterns.
 */

/** Repo and skill names: safe as a path segment, an argv word and a gitconfig value. */
export const SAFE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Key types a pinned host key may have. */
export const HOST_KEY_TYPES = Object.freeze(
  [
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
  ] as const,
);
