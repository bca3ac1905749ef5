/**
 * `doctor`'s checks of the docker engine: the CLI, the daemon (from `docker info`'s JSON, never
 * its human text), gVisor, and whether the sidecar image was built yet.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import type { HostCheck, ProgramRunner, RuntimeRequest } from "../types.ts";
import { parseDockerInfo } from "./_docker_info.ts";
import { pickRuntime } from "./_runtime.ts";

/** The sidecar image's repository (tags are content digests). */
const SIDECAR_IMAGE = "bot-bottle/sidecar";

/**
 * Check the docker engine.
 *
 * @param program The docker CLI.
 * @param options Runs a host program; the runtime the agent asks for.
 * @returns The checks, and whether docker can run bottles here.
 */
export async function dockerChecks(
  program: string,
  options: { run: ProgramRunner; runtime: RuntimeRequest },
): Promise<{ checks: HostCheck[]; usable: boolean }> {
  const { run } = options;
  const client = await run([program, "version", "--format", "{{.Client.Version}}"]);
  if (!client.started) {
    return {
      checks: [{ status: "fail", name: "docker", detail: `${program} CLI not found on PATH` }],
      usable: false,
    };
  }
  const checks: HostCheck[] = [
    { status: "ok", name: "docker", detail: `client ${client.stdout.trim() || "(unknown)"}` },
  ];
  const info = await run([program, "info", "--format", "{{json .}}"]);
  const parsed = parseDockerInfo(info.code === 0 ? info.stdout : "");
  if (parsed === undefined) {
    const reason = info.stderr.trim().split("\n").at(-1) ?? "";
    checks.push({
      status: "fail",
      name: "docker daemon",
      detail: `not reachable${reason === "" ? "" : `: ${reason}`}`,
    });
    return { checks, usable: false };
  }
  checks.push({ status: "ok", name: "docker daemon", detail: `server ${parsed.version}` });
  const isolation = isolationCheck(options.runtime, parsed.runsc);
  checks.push(isolation);
  if (isolation.status === "fail") return { checks, usable: false };
  const image = await run([program, "image", "ls", "--quiet", SIDECAR_IMAGE]);
  checks.push(
    image.code === 0 && image.stdout.trim() !== ""
      ? { status: "ok", name: "sidecar image", detail: `${SIDECAR_IMAGE} present` }
      : {
        status: "warn",
        name: "sidecar image",
        detail: `${SIDECAR_IMAGE} not built yet; the first start builds it`,
      },
  );
  return { checks, usable: true };
}

/** How to give the engine gVisor, for a check that finds it absent. */
const ADD_GVISOR = "install runsc (apt-get install runsc) and add it to /etc/docker/daemon.json " +
  '("runtimes": {"runsc": {"path": "/usr/bin/runsc"}}), then reload dockerd (kill -HUP)';

/** The runtime the agent gets, as `pickRuntime` decides at launch. */
function isolationCheck(runtime: RuntimeRequest, registered: boolean): HostCheck {
  const name = "docker isolation";
  try {
    const { words } = pickRuntime(runtime, registered);
    if (registered && runtime !== "runc") {
      return { status: "ok", name, detail: `${words} registered; the agent runs under it` };
    }
    const why = runtime === "runc"
      ? "BOT_BOTTLE_RUNTIME=runc"
      : `runsc not registered: ${ADD_GVISOR}`;
    return { status: "warn", name, detail: `the agent gets ${words} (${why})` };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { status: "fail", name, detail: `BOT_BOTTLE_RUNTIME=runsc, but ${ADD_GVISOR}` };
  }
}
