/**
 * `doctor`'s checks of the docker engine: the CLI, the daemon (from `docker info`'s JSON, never
 * its human text), gVisor, whether the sidecar image was built yet, and the base images. Each
 * failure says how to fix it.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import type {
  DoctorHost,
  EngineDialect,
  HostCheck,
  ProgramRunner,
  RuntimeRequest,
} from "../types.ts";
import type { DockerCli } from "./_docker.ts";
import { baseImageChecks } from "./_doctor_base_images.ts";
import { gvisorHint, installHint, startHint } from "./_doctor_hints.ts";
import { dockerInfoErrors, parseDockerInfo } from "./_docker_info.ts";
import { pickRuntime } from "./_runtime.ts";

/** The sidecar image's repository (tags are content digests). */
const SIDECAR_IMAGE = "bot-bottle/sidecar";

/**
 * Check the docker engine.
 *
 * @param program The docker CLI.
 * @param run Runs a host program.
 * @param host The host OS and the base images a first start needs.
 * @returns The checks, and whether docker can run bottles here.
 */
export async function dockerChecks(
  program: string,
  run: ProgramRunner,
  host: DoctorHost,
): Promise<{ checks: HostCheck[]; usable: boolean }> {
  const client = await run([program, "version", "--format", "{{.Client.Version}}"]);
  if (!client.started) {
    return {
      checks: [{
        status: "fail",
        name: "docker",
        detail: `${program} CLI not found on PATH; ${installHint(host.os)}`,
      }],
      usable: false,
    };
  }
  const checks: HostCheck[] = [
    { status: "ok", name: "docker", detail: `client ${client.stdout.trim() || "(unknown)"}` },
  ];
  const info = await run([program, "info", "--format", "{{json .}}"]);
  const parsed = parseDockerInfo(info.code === 0 ? info.stdout : "");
  if (parsed === undefined) {
    const reason = info.stderr.trim().split("\n").at(-1) || dockerInfoErrors(info.stdout).at(-1) ||
      "";
    checks.push({
      status: "fail",
      name: "docker daemon",
      detail: `not reachable${reason === "" ? "" : `: ${reason}`}; ${startHint(host.os)}`,
    });
    return { checks, usable: false };
  }
  checks.push({ status: "ok", name: "docker daemon", detail: `server ${parsed.version}` });
  const isolation = isolationCheck(host.runtime, parsed.runsc, host.os);
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
  const bases = await baseImageChecks(program, run, host.baseImages);
  checks.push(...bases);
  return { checks, usable: !bases.some((check) => check.status === "fail") };
}

/**
 * Check another docker-compatible engine: its dialect's own checks, then (when it can run) the
 * base images, each line named after the engine.
 *
 * @param cli The engine's CLI.
 * @param engineChecks The dialect's checks of the engine itself.
 * @param run Runs a host program.
 * @param host The host OS, the base images a first start needs and the runtime asked for.
 * @returns The checks, and whether the engine can run bottles here.
 */
export async function dialectChecks(
  cli: DockerCli,
  engineChecks: NonNullable<EngineDialect["engineChecks"]>,
  run: ProgramRunner,
  host: DoctorHost,
): Promise<{ checks: HostCheck[]; usable: boolean }> {
  const engine = await engineChecks(cli.program, run, host);
  if (!engine.usable) return engine;
  const bases = await baseImageChecks(cli.program, run, host.baseImages);
  return {
    checks: [
      ...engine.checks,
      ...bases.map((check) => ({ ...check, name: `${cli.dialect.name} ${check.name}` })),
    ],
    usable: !bases.some((check) => check.status === "fail"),
  };
}

/** The runtime the agent gets, as `pickRuntime` decides at launch. */
function isolationCheck(runtime: RuntimeRequest, registered: boolean, os: string): HostCheck {
  const name = "docker isolation";
  try {
    const { words } = pickRuntime(runtime, registered);
    if (registered && runtime !== "runc") {
      return { status: "ok", name, detail: `${words} registered; the agent runs under it` };
    }
    const detail = runtime === "runc"
      ? `the agent gets ${words} (BOT_BOTTLE_RUNTIME=runc)`
      : `the agent gets ${words}: runsc not registered; ${gvisorHint(os)}`;
    return { status: "warn", name, detail };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return {
      status: "fail",
      name,
      detail: `BOT_BOTTLE_RUNTIME=runsc, but runsc is not registered; ${gvisorHint(os)}`,
    };
  }
}
