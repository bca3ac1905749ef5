/**
 * Docker's own dialect (see {@link EngineDialect}): the docker backend's primitives take one, and
 * the registry gives them podman's (backends/podman) to make the podman backend.
 */
import type { EngineDialect } from "../types.ts";

/** The docker engine. */
export const DOCKER_DIALECT: EngineDialect = Object.freeze({
  name: "docker",
  // docker's bridge driver gives the host no address on the bridge with this option.
  internalNetworkFlags: ["--opt", "com.docker.network.bridge.inhibit_ipv4=true"],
  containerFlags: [],
  pinsSidecarAddress: true,
  probe: Object.freeze({
    args: ["version", "--format", "{{.Server.Version}}"],
    read: (stdout: string) => ({ ok: true as const, detail: `docker engine ${stdout.trim()}` }),
  }),
  formats: Object.freeze({
    psLabel: (key: string) => `{{.Label "${key}"}}`,
    psState: "{{.State}}",
    networkLabel: (key: string) => `{{.Label "${key}"}}`,
    subnet: "{{ (index .IPAM.Config 0).Subnet }}",
    gateways: "{{ range .IPAM.Config }}{{ .Gateway }}{{ end }}",
  }),
  async runscRegistered(cli: (args: readonly string[]) => Promise<string>): Promise<boolean> {
    const runtimes = JSON.parse(await cli(["info", "--format", "{{json .Runtimes}}"])) as
      | Record<string, unknown>
      | null;
    return runtimes !== null && "runsc" in runtimes;
  },
  gvisorFix: "install runsc and add it to /etc/docker/daemon.json (scripts/test does both)",
});
