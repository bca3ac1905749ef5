/**
 * The one answer the sidecar's DNS responder gives: REFUSED, for every query. It echoes the
 * question so that resolvers accept the answer as theirs (glibc drops an answer whose question
 * differs, and then waits out its timeout), and nothing else: no record, no referral, no upstream
 * ever asked. Only the header and the one question are read, with every length checked.
 */

/** RCODE 5: the server will not answer this query. */
const REFUSED = 5;
/** RCODE 1: the query could not be read. */
const FORMAT_ERROR = 1;
const HEADER_BYTES = 12;
/** QTYPE and QCLASS after the name. */
const QUESTION_TAIL_BYTES = 4;
/** RFC 1035: a name is at most 255 bytes on the wire, each label at most 63. */
const MAX_NAME_BYTES = 255;
const MAX_LABEL_BYTES = 63;

/**
 * The answer to one datagram.
 *
 * @param query The datagram received.
 * @returns REFUSED with the query's id, opcode, RD bit and question (FORMERR without a question
 *   when it holds no single readable one); undefined for what deserves no answer at all: a
 *   datagram shorter than a header, or a response (the QR bit set), so that two responders can
 *   never answer each other forever.
 */
export function refusal(query: Uint8Array): Uint8Array | undefined {
  if (query.length < HEADER_BYTES || (query[2]! & 0x80) !== 0) return undefined;
  const questionEnd = singleQuestionEnd(query);
  const answer = new Uint8Array(questionEnd ?? HEADER_BYTES);
  answer.set(query.subarray(0, answer.length));
  // QR set; opcode and RD kept; AA, TC, RA and Z clear; the code in the low nibble.
  answer[2] = 0x80 | (query[2]! & 0x79);
  answer[3] = questionEnd === undefined ? FORMAT_ERROR : REFUSED;
  // QDCOUNT 1 or 0; ANCOUNT, NSCOUNT and ARCOUNT 0 (an EDNS record in the query is not echoed).
  answer.fill(0, 4, HEADER_BYTES);
  if (questionEnd !== undefined) answer[5] = 1;
  return answer;
}

/** Where the query's only question ends, when it has exactly one that reads whole. */
function singleQuestionEnd(query: Uint8Array): number | undefined {
  if (query[4] !== 0 || query[5] !== 1) return undefined;
  let at = HEADER_BYTES;
  while (at < query.length) {
    const length = query[at]!;
    // A compression pointer (or the reserved 01/10 forms) has no place in a question.
    if (length > MAX_LABEL_BYTES) return undefined;
    at += 1 + length;
    if (at - HEADER_BYTES > MAX_NAME_BYTES) return undefined;
    if (length === 0) {
      const end = at + QUESTION_TAIL_BYTES;
      return end <= query.length ? end : undefined;
    }
  }
  return undefined;
}
