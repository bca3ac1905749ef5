/** How a wire case is judged, for every server target. */
import type { CaseResult } from "./_runner.ts";
import type { Exchange } from "./_wire.ts";

/**
 * The answer's HTTP status, or `closed` (nothing came back), or `other`.
 *
 * @param answer The server's bytes.
 * @returns The label.
 */
export function statusLabel(answer: Uint8Array): string {
  const head = new TextDecoder().decode(answer.subarray(0, 200));
  return /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? (answer.length === 0 ? "closed" : "other");
}

/**
 * Judge one exchange: a hang when the connection outlived the bound, an untyped error when the
 * answer shows an error nobody typed, else fine.
 *
 * @param input What was sent.
 * @param result What came back.
 * @param options The outcome label, and what an untyped error looks like in the answer's head.
 * @returns The verdict.
 */
export function judgeExchange(
  input: Uint8Array,
  result: Exchange,
  options: { label: string; untyped: (head: string) => boolean },
): CaseResult {
  const { label } = options;
  const head = new TextDecoder().decode(result.answer.subarray(0, 4_000));
  if (!result.closed) {
    const answer = JSON.stringify(head.slice(0, 300));
    const detail = `still open ${result.ms} ms after the client ended; answer: ${answer}`;
    return { verdict: "hang", label, input, detail };
  }
  if (options.untyped(head)) return { verdict: "untyped", label, input, detail: head };
  return { verdict: "ok", label, input };
}

/**
 * Whether an answer is a 500 that the server did not word itself: what a web framework answers
 * for an exception nobody handled.
 *
 * @param own The start of the server's own 500 bodies, if it words any.
 * @returns The test for {@link judgeExchange}.
 */
export function unexplained500(own?: string): (head: string) => boolean {
  return (head) => {
    if (!/^HTTP\/1\.[01] 500 /.test(head)) return false;
    const body = head.slice(head.indexOf("\r\n\r\n") + 4);
    return own === undefined || !body.startsWith(own);
  };
}
