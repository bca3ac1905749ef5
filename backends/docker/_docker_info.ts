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
