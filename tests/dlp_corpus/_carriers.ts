/**
 * Where an outbound value travels: a URL path segment or query value, a header, or a body in one
 * of the formats agents send (JSON, form, multipart, YAML, env file, CSV, XML, GraphQL).
 */
import type { CorpusRequest } from "./mod.ts";
import type { Rng } from "./_rng.ts";

/** The places a value can be put. */
export const CARRIERS = [
  "path",
  "query",
  "header_auth",
  "header_custom",
  "cookie",
  "json",
  "form",
  "multipart",
  "yaml",
  "env",
  "csv",
  "xml",
  "graphql",
] as const;

/** One carrier. */
export type Carrier = typeof CARRIERS[number];

/** An outbound request and the host it goes to. */
export interface Placed {
  /** The host. */
  host: string;
  /** The request. */
  request: CorpusRequest;
}

const UA = [
  "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
  "python-requests/2.32.3",
  "curl/8.5.0",
  "axios/1.7.9",
  "Go-http-client/1.1",
];

/**
 * Put a value in a carrier, the way a client would encode it there.
 *
 * @param carrier Where.
 * @param value The value (raw text; the carrier encodes it as its format requires).
 * @param options The name it is filed under (header, field, variable) and the generator.
 * @returns The host and request.
 */
export function place(carrier: Carrier, value: string, options: { key: string; rng: Rng }): Placed {
  const { key, rng } = options;
  const field = key.toLowerCase();
  const enc = encodeURIComponent(value);
  const ua: [string, string] = ["User-Agent", rng.pick(UA)];
  const json = (body: unknown, path = "/v1/events"): Placed => ({
    host: "collect.corpus.test",
    request: {
      method: "POST",
      target: path,
      headers: [ua],
      contentType: "application/json",
      body: JSON.stringify(body),
    },
  });
  switch (carrier) {
    case "path":
      return {
        host: "hooks.corpus.test",
        request: {
          method: "GET",
          target: `/r/${rng.alnum(6).toLowerCase()}/${enc}`,
          headers: [ua],
        },
      };
    case "query":
      return {
        host: "api.corpus.test",
        request: {
          method: "GET",
          target: `/v2/lookup?page=${rng.int(1, 9)}&${field}=${enc}&format=json`,
          headers: [ua],
        },
      };
    case "header_auth":
      return {
        host: "api.corpus.test",
        request: {
          method: "GET",
          target: "/v1/me",
          headers: [ua, ["Authorization", `Bearer ${value}`]],
        },
      };
    case "header_custom":
      return {
        host: "api.corpus.test",
        request: {
          method: "GET",
          target: "/v1/projects",
          headers: [ua, [`X-${key.replace(/_/g, "-")}`, value]],
        },
      };
    case "cookie":
      return {
        host: "api.corpus.test",
        request: {
          method: "GET",
          target: "/dashboard",
          headers: [ua, ["Cookie", `theme=dark; ${field}=${enc}; lang=en`]],
        },
      };
    case "json":
      return json({
        event: "config_sync",
        id: rng.uuid(),
        ts: 1764990000 + rng.int(0, 99999),
        settings: { region: "eu-west-1", [field]: value, retries: 3 },
      });
    case "graphql":
      return json({
        query: "mutation Save($input: SecretInput!) { saveSecret(input: $input) { id } }",
        variables: { input: { name: key, value } },
      }, "/graphql");
    case "form":
      return {
        host: "collect.corpus.test",
        request: {
          method: "POST",
          target: "/submit",
          headers: [ua],
          contentType: "application/x-www-form-urlencoded",
          body: `name=build-${rng.int(100, 999)}&${field}=${enc}&notify=1`,
        },
      };
    case "multipart": {
      const boundary = `----formdata-${rng.alnum(16)}`;
      return {
        host: "collect.corpus.test",
        request: {
          method: "POST",
          target: "/upload",
          headers: [ua],
          contentType: `multipart/form-data; boundary=${boundary}`,
          body: `--${boundary}\r\nContent-Disposition: form-data; name="project"\r\n\r\nweb\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=".env"\r\n` +
            `Content-Type: application/octet-stream\r\n\r\nNODE_ENV=production\n${key}=${value}\n` +
            `\r\n--${boundary}--\r\n`,
        },
      };
    }
    case "yaml":
      return text(
        "application/yaml",
        `service: billing\nenv: prod\ncredentials:\n  ${field}: "${value}"\n`,
      );
    case "env":
      return text(
        "text/plain",
        `# exported ${rng.int(1, 28)} Nov\nPORT=8080\n${key}=${value}\nDEBUG=0\n`,
      );
    case "csv":
      return text("text/csv", `name,kind,value\nprimary,${field},${csvField(value)}\n`);
    case "xml":
      return text(
        "application/xml",
        `<?xml version="1.0"?>\n<settings><entry key="${field}">${
          xmlEscape(value)
        }</entry></settings>\n`,
      );
  }
}

function text(contentType: string, body: string): Placed {
  return {
    host: "collect.corpus.test",
    request: { method: "POST", target: "/v1/files", headers: [], contentType, body },
  };
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function xmlEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
