/**
 * The routes file the host writes into the sidecar's bind-mounted directory and the sidecar
 * reads on start and on SIGHUP. Read with the manifests' strict YAML rules; written only with
 * `yaml`'s stringify, dropping fields that hold their default so that the file (and the
 * introspection endpoint built from it) shows what was chosen, not boilerplate.
 */
import { stringify } from "yaml";
import { parseStrictYaml, validateYaml } from "../yaml_strict/mod.ts";
import { type Route, routeKeyHint, type RoutesFile, RoutesFileSchema } from "./_schema.ts";

/**
 * Parse a routes file.
 *
 * @param text The file's text.
 * @param file Its path, for messages.
 * @returns The validated routes file.
 * @throws {ManifestError} With `file:line:col` on any problem, including an empty file (a
 *   partial write must never be taken for "no routes").
 */
export function parseRoutesFile(text: string, file: string): RoutesFile {
  const doc = parseStrictYaml(text, file, { subject: "Cannot load routes file" });
  return validateYaml(doc, RoutesFileSchema, {
    unknownKeyHint: (path, key) =>
      path.length === 2 && path[0] === "routes" ? routeKeyHint(key) : undefined,
  });
}

/**
 * Render a routes file as YAML that {@link parseRoutesFile} reads back to the same value.
 *
 * @param routesFile The routes file.
 * @returns YAML text.
 */
export function stringifyRoutesFile(routesFile: RoutesFile): string {
  const out: Record<string, unknown> = {};
  if (routesFile.log !== 0) out.log = routesFile.log;
  out.routes = routesFile.routes.map(routeToPlain);
  // compat: quote words YAML 1.1 would read as booleans, which the strict reader refuses.
  // lineWidth 0: never fold long values over several lines.
  return stringify(out, { compat: "yaml-1.1", aliasDuplicateObjects: false, lineWidth: 0 });
}

/**
 * A route as plain data in manifest form, defaults left out.
 *
 * @param route The route.
 * @returns A plain object for YAML or JSON output.
 */
export function routeToPlain(route: Route): Record<string, unknown> {
  const out: Record<string, unknown> = { host: route.host };
  if (route.auth) out.auth = { scheme: route.auth.scheme, token_ref: route.auth.token_ref };
  if (route.matches) {
    out.matches = route.matches.map((entry) => {
      const e: Record<string, unknown> = {};
      if (entry.paths) {
        e.paths = entry.paths.map((p) =>
          p.type === "prefix" ? { value: p.value } : { type: p.type, value: p.value }
        );
      }
      if (entry.methods) e.methods = [...entry.methods];
      if (entry.headers) {
        e.headers = entry.headers.map((h) =>
          h.type === "exact"
            ? { name: h.name, value: h.value }
            : { name: h.name, value: h.value, type: h.type }
        );
      }
      return e;
    });
  }
  if (route.dlp) {
    const dlp: Record<string, unknown> = {};
    for (const key of ["outbound_detectors", "inbound_detectors"] as const) {
      const v = route.dlp[key];
      if (v !== undefined) dlp[key] = v === false ? false : [...v];
    }
    out.dlp = dlp;
  }
  if (route.outbound_on_match !== "supervise") out.outbound_on_match = route.outbound_on_match;
  if (route.inbound_on_secret !== "redact") out.inbound_on_secret = route.inbound_on_secret;
  if (route.git) out.git = { fetch: route.git.fetch };
  if (route.allow_private) out.allow_private = true;
  return out;
}
