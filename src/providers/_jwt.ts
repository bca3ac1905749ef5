/**
 * JWT plumbing for the Codex dummy `auth.json`: base64url on `atob`/`btoa`, a strict payload
 * decoder, an unsigned dummy encoder, and the claim redaction rules. Claims are copied only where
 * an allowlist names them as non-secret and needed by Codex; everything else becomes a
 * placeholder of the same JSON kind (or is dropped), so a new secret claim cannot leak by default.
 */

/** The value every redacted string becomes. */
export const PLACEHOLDER = "bot-bottle-placeholder";

const PLACEHOLDER_EMAIL = "bot-bottle@example.invalid";
const DUMMY_HEADER = { alg: "none", typ: "JWT" };
const SEGMENT = /^[A-Za-z0-9_-]*$/;
const TIME_CLAIMS = new Set(["exp", "iat", "nbf", "auth_time", "pwd_auth_time"]);
const LIST_CLAIMS = new Set(["aud", "scp", "amr"]);
const AUTH_CLAIM = "https://api.openai.com/auth";
const AUTH_CLAIM_KEEP = new Set([
  "chatgpt_plan_type",
  "chatgpt_account_id",
  "chatgpt_user_id",
  "user_id",
  "organization_id",
]);

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** UTF-8 text as unpadded base64url. */
export function encodeBase64Url(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Unpadded base64url as UTF-8 text, or `undefined` when it is not valid base64url or UTF-8. */
export function decodeBase64Url(segment: string): string | undefined {
  if (!SEGMENT.test(segment) || segment.length % 4 === 1) return undefined;
  const padded = segment.replaceAll("-", "+").replaceAll("_", "/") +
    "=".repeat((4 - segment.length % 4) % 4);
  try {
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The payload of a compact JWT: three dot-separated base64url parts whose middle one is a JSON
 * object. The signature is not checked.
 *
 * @param token A token.
 * @returns The payload, or `undefined` when `token` is not shaped like a JWT.
 */
export function decodeJwtPayload(token: string): JsonObject | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  const text = decodeBase64Url(parts[1] ?? "");
  if (text === undefined) return undefined;
  try {
    const payload: unknown = JSON.parse(text);
    return isJsonObject(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An unsigned (`alg: none`) JWT carrying `payload`, with a literal `placeholder` signature.
 *
 * @param payload The claims.
 * @returns The compact token.
 */
export function encodeDummyJwt(payload: JsonObject): string {
  const header = encodeBase64Url(JSON.stringify(DUMMY_HEADER));
  return `${header}.${encodeBase64Url(JSON.stringify(payload))}.placeholder`;
}

/**
 * A value nothing is known about, reduced to its JSON kind: strings become {@link PLACEHOLDER},
 * numbers 0, objects `{}` and arrays `[]`; booleans and null are kept.
 *
 * @param value Any JSON value.
 * @returns A value of the same kind that carries no data.
 */
export function redactUnknown(value: unknown): unknown {
  if (typeof value === "boolean" || value === null) return value;
  if (Array.isArray(value)) return [];
  if (isJsonObject(value)) return {};
  if (typeof value === "number") return 0;
  return PLACEHOLDER;
}

/**
 * JWT claims with every secret or personal value replaced (recursively): emails become a
 * placeholder address, time and list claims are kept when well-typed, the OpenAI auth claim keeps
 * only its non-secret identifiers and flags, and any other string becomes {@link PLACEHOLDER}.
 *
 * @param claims A decoded payload, or a nested object within one.
 * @returns The redacted copy.
 */
export function redactClaims(claims: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, redactClaim(k, v)]));
}

function redactClaim(key: string, value: unknown): unknown {
  if (key === "email") return PLACEHOLDER_EMAIL;
  if (key === "email_verified") return true;
  if (TIME_CLAIMS.has(key)) return typeof value === "number" && Number.isFinite(value) ? value : 0;
  // `aud` may also be a single string (RFC 7519 §4.1.3); an audience is a public client id.
  if (LIST_CLAIMS.has(key)) {
    if (key === "aud" && typeof value === "string") return value;
    return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : [];
  }
  if (key === AUTH_CLAIM) return isJsonObject(value) ? redactAuthClaim(value) : {};
  if (isJsonObject(value)) return redactClaims(value);
  return redactUnknown(value);
}

function redactAuthClaim(claim: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(claim).filter(([key, value]) =>
      typeof value === "boolean" || (AUTH_CLAIM_KEEP.has(key) && typeof value === "string")
    ),
  );
}
