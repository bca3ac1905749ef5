/**
 * JWT-shaped values that are public by design, so `token_patterns` does not refuse them: an
 * unsigned token (`alg: none`, or an empty signature) authenticates nothing, and a token whose
 * claims give it the anonymous role (Supabase's `anon` key, which every browser of the app
 * receives) grants only what the public already has. Anything that does not decode cleanly is
 * treated as a credential.
 */

/**
 * Whether a JWT-shaped match is public by design.
 *
 * @param value The matched `header.payload.signature`.
 * @returns True for unsigned and anonymous-role tokens.
 */
export function publicJwt(value: string): boolean {
  const [header, payload, signature] = value.split(".");
  if (header === undefined || payload === undefined) return false;
  const head = json(header);
  if (head === undefined) return false;
  if (signature === "" || String(head.alg ?? "").toLowerCase() === "none") return true;
  const claims = json(payload);
  return claims !== undefined && claims.role === "anon";
}

function json(segment: string): Record<string, unknown> | undefined {
  try {
    const text = atob(segment.replaceAll("-", "+").replaceAll("_", "/"));
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}
