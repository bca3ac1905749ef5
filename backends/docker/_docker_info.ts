/**
 * Read what doctor needs from `docker info --format '{{json .}}'` (structured output, never the
 * human text).
 *
 * @param stdout The command's standard output.
 * @returns The server version and whether gVisor's `runsc` is registered, or undefined when the
 * output is not a daemon's answer.
 */
export function parseDockerInfo(stdout: string): { version: string; runsc: boolean } | undefined {
  try {
    const info = JSON.parse(stdout) as { ServerVersion?: unknown; Runtimes?: unknown };
    if (typeof info.ServerVersion !== "string" || info.ServerVersion === "") return undefined;
    const runtimes = typeof info.Runtimes === "object" && info.Runtimes !== null
      ? Object.keys(info.Runtimes)
      : [];
    return { version: info.ServerVersion, runsc: runtimes.includes("runsc") };
  } catch {
    return undefined;
  }
}

/**
 * The errors `docker info --format '{{json .}}'` reports in its JSON: a CLI of Docker 20.10 exits
 * 0 when the daemon does not answer and says why only there.
 *
 * @param stdout The command's standard output.
 * @returns The `ServerErrors` strings, none when there are none or the output is not JSON.
 */
export function dockerInfoErrors(stdout: string): string[] {
  try {
    const info = JSON.parse(stdout) as { ServerErrors?: unknown };
    return Array.isArray(info.ServerErrors)
      ? info.ServerErrors.filter((e): e is string => typeof e === "string" && e.trim() !== "")
      : [];
  } catch {
    return [];
  }
}
