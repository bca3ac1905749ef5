/**
 * Folds a bottle's files (parents first) into one resolved bottle (SPEC §3 `extends`):
 * `env` merges by name (later wins); `git-gate.user` overlays per field; `git-gate.repos`
 * merges by repo name, per field (later wins), and is checked for completeness only after the
 * merge; `egress.routes` concatenate; `supervise`, `agent_provider` (as a whole) and `egress.log`
 * take the last value declared, and so does each field of `limits`. Provider routes then replace manifest routes for the hosts the
 * provider owns, with a warning naming each dropped route.
 */
import { providerRoutes, settingsSpec } from "../providers/mod.ts";
import { duplicateHost, type Route } from "../../core/routes/mod.ts";
import { labelOf } from "../../core/yaml_strict/mod.ts";
import type { EnvValue } from "./_env.ts";
import type { BottleSource } from "./_extends.ts";
import { parseHostKey, parseSshUrl, type RepoLayer } from "./_git_gate.ts";
import { foldLimits } from "./_limits.ts";
import type { AgentProvider, GitUser, Repo, ResolvedBottle } from "./_types.ts";

const DEFAULT_PROVIDER: Readonly<AgentProvider> = Object.freeze({
  template: "claude",
  builtin: true,
  forwardHostCredentials: false,
});

const REQUIRED_REPO_FIELDS = Object.freeze(
  [
    Object.freeze(["url", "the upstream ssh:// URL"] as const),
    Object.freeze(
      [
        "host_key",
        "the pinned known-hosts key of the upstream; there is no trust on first use",
      ] as const,
    ),
    Object.freeze(["key", "key: {provider: static, path: …}"] as const),
  ] as const,
);

interface Placed<T> {
  value: T;
  source: BottleSource;
}

/**
 * Fold a bottle's files into the resolved bottle.
 *
 * @param sources Files in fold order, the bottle itself last.
 * @param expandPath Resolves a path written in a file (relative to that file, `~/`).
 * @returns The resolved bottle.
 * @throws {ManifestError} For incomplete repos, repeated hosts or URLs, and conflicting pins.
 */
export function foldBottle(
  sources: readonly BottleSource[],
  expandPath: (path: string, file: string) => string,
): ResolvedBottle {
  const self = sources[sources.length - 1] as BottleSource;
  const env = new Map<string, EnvValue>();
  const user: GitUser = {};
  const repos = new Map<string, Placed<RepoLayer>>();
  const routes: Placed<{ route: Route; index: number }>[] = [];
  let provider: AgentProvider = DEFAULT_PROVIDER;
  let log: 0 | 1 | 2 = 0;
  let supervise = true;
  for (const source of sources) {
    const { layer, file } = source;
    for (const [k, v] of Object.entries(layer.env ?? {})) env.set(k, v);
    if (source.provider) provider = source.provider;
    const u = layer["git-gate"]?.user;
    if (u?.name !== undefined) user.name = { value: u.name, from: file.path };
    if (u?.email !== undefined) user.email = { value: u.email, from: file.path };
    for (const [name, repo] of Object.entries(layer["git-gate"]?.repos ?? {})) {
      const own = repo.key
        ? { ...repo, key: { ...repo.key, path: expandPath(repo.key.path, file.path) } }
        : repo;
      repos.set(name, { value: { ...repos.get(name)?.value, ...own }, source });
    }
    layer.egress?.routes?.forEach((route, index) =>
      routes.push({ value: { route, index }, source })
    );
    if (layer.egress?.log !== undefined) log = layer.egress.log;
    if (layer.supervise !== undefined) supervise = layer.supervise;
  }
  checkRepeatedHosts(routes);
  const warnings: string[] = [];
  const owned = providerRoutes(provider);
  const kept = routes.filter(({ value, source }) => {
    if (!owned.some((r) => r.host === value.route.host)) return true;
    const at = source.file.doc.position(["egress", "routes", value.index, "host"]);
    warnings.push(
      `bottle "${self.name}": dropped the route for "${value.route.host}" at ` +
        `${at.file}:${at.line}:${at.column}: the ${provider.template} provider owns that host`,
    );
    return false;
  });
  const spec = settingsSpec(provider);
  if (
    spec?.credential !== undefined && provider.authToken === undefined &&
    provider.forwardHostCredentials !== true
  ) {
    warnings.push(
      `bottle "${self.name}": the ${provider.template} provider has no credential, so the agent ` +
        "will ask to log in, which its bottle cannot do; set agent_provider.auth_token" +
        (spec.features.host_login !== undefined ? " or forward_host_credentials: true" : ""),
    );
  }
  return {
    name: self.name,
    path: self.file.path,
    chain: sources.map((s) => s.file.path),
    description: self.file.body,
    env: Object.fromEntries(env),
    agentProvider: { ...provider },
    gitGate: { user, repos: completeRepos(repos) },
    egress: { log, routes: [...owned, ...kept.map((r) => r.value.route)] },
    supervise,
    limits: foldLimits(sources.map((s) => s.layer.limits)),
    warnings,
  };
}

function checkRepeatedHosts(routes: Placed<{ route: Route; index: number }>[]): void {
  const dup = duplicateHost(routes.map((r) => r.value.route));
  if (!dup) return;
  const first = routes[dup.first] as Placed<{ index: number }>;
  const later = routes[dup.index] as Placed<{ index: number }>;
  const at = first.source.file.doc.position(["egress", "routes", first.value.index, "host"]);
  const path = ["egress", "routes", later.value.index, "host"];
  throw later.source.file.doc.error(
    path,
    `${labelOf(path)} repeats "${dup.host}", already routed at ${at.file}:${at.line}:` +
      `${at.column}; each host may have one route: merge the two`,
  );
}

function completeRepos(repos: Map<string, Placed<RepoLayer>>): Record<string, Repo> {
  const out = new Map<string, Repo>();
  const urls = new Map<string, string>();
  const pins = new Map<string, { ip: string; repo: string }>();
  for (const [name, { value, source }] of repos) {
    const path = ["git-gate", "repos", name];
    const doc = source.file.doc;
    for (const [field, why] of REQUIRED_REPO_FIELDS) {
      if (value[field] === undefined) {
        throw doc.error(path, `${labelOf(path)} is missing ${field} (${why})`, { key: true });
      }
    }
    const url = parseSshUrl(value.url as string).url as NonNullable<
      ReturnType<typeof parseSshUrl>["url"]
    >;
    const upstream = `${url.user}@${url.host}:${url.port}/${url.path}`;
    const twin = urls.get(upstream);
    if (twin !== undefined) {
      throw doc.error(
        [...path, "url"],
        `${labelOf(path)} has the same url as repo "${twin}"; each upstream is mirrored once`,
      );
    }
    urls.set(upstream, name);
    for (const [host, ip] of Object.entries(value.extra_hosts ?? {})) {
      const pin = pins.get(host);
      if (pin && pin.ip !== ip) {
        throw doc.error(
          [...path, "extra_hosts", host],
          `${labelOf(path)} pins ${host} to ${ip}, but repo "${pin.repo}" pins it to ${pin.ip}`,
          { key: true },
        );
      }
      pins.set(host, { ip, repo: name });
    }
    out.set(name, {
      name,
      url: value.url as string,
      ...url,
      hostKey: parseHostKey(value.host_key as string).key as string,
      key: value.key as Repo["key"],
      extraHosts: Object.fromEntries(Object.entries(value.extra_hosts ?? {})),
    });
  }
  return Object.fromEntries(out);
}
