/** Decision constructors and the shape check the composer applies to every step's answer. */
import type { AllowDecision, Decision, DenyDecision, RespondDecision } from "./types.ts";

/** The one "go on" decision; frozen so no step can turn it into something else. */
export const ALLOW: AllowDecision = Object.freeze({ action: "allow" });

/** A deny decision; policy blocks are 403 unless a step says otherwise. */
export function deny(
  rule: string,
  reason: string,
  options: { status?: number } = {},
): DenyDecision {
  return { action: "deny", rule, reason, status: options.status ?? 403 };
}

/** A local JSON response (introspection). */
export function respondJson(status: number, value: unknown): RespondDecision {
  return respond(status, `${JSON.stringify(value, null, 2)}\n`, {
    contentType: "application/json; charset=utf-8",
  });
}

/** A local response with the given content type. */
export function respond(
  status: number,
  body: string,
  options: { contentType: string },
): RespondDecision {
  return {
    action: "respond",
    status,
    headers: [["Content-Type", options.contentType], ["Cache-Control", "no-store"]],
    body,
  };
}

/** Whether a step's answer is a well-formed decision; anything else becomes a deny. */
export function isDecision(value: unknown): value is Decision {
  if (typeof value !== "object" || value === null) return false;
  const d = value as Record<string, unknown>;
  switch (d.action) {
    case "allow":
      return true;
    case "deny":
      return typeof d.rule === "string" && d.rule !== "" && typeof d.reason === "string" &&
        isErrorStatus(d.status);
    case "respond":
      return Number.isInteger(d.status) && Array.isArray(d.headers) && typeof d.body === "string";
    default:
      return false;
  }
}

function isErrorStatus(status: unknown): boolean {
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599;
}
