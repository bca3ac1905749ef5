/**
 * Phrase lists of `naive_injection_detection`. Lower case, words separated by one space; the
 * scanner matches them case-insensitively and lets any whitespace run stand for a space.
 *
 * A disclosure phrase asks the agent to reveal or send something it holds; a jailbreak phrase tries
 * to override its instructions. Either alone is common in documentation about agents, so it only
 * warns; the two close together is what an injected instruction looks like, so that blocks.
 * No phrase is a suffix of another of the same kind, so one occurrence is reported once.
 */

/** Phrases that ask for the agent's instructions, credentials or files. */
export const DISCLOSURE_PHRASES: readonly string[] = Object.freeze([
  "system prompt",
  "your instructions",
  "your initial instructions",
  "your original instructions",
  "your hidden instructions",
  "the instructions above",
  "the text above",
  "everything above",
  "your api key",
  "your credentials",
  "your access token",
  "your secret",
  "your password",
  "your environment variables",
  "printenv",
  "id_rsa",
  "/etc/passwd",
  ".ssh/",
  "exfiltrate",
  "send the contents",
  "upload the contents",
]);

/** Phrases that try to replace or lift the agent's instructions. */
export const JAILBREAK_PHRASES: readonly string[] = Object.freeze([
  "ignore previous",
  "ignore all previous",
  "ignore the previous",
  "ignore prior",
  "ignore all prior",
  "ignore the above",
  "ignore all instructions",
  "ignore your instructions",
  "disregard previous",
  "disregard all previous",
  "disregard prior",
  "disregard the above",
  "disregard your instructions",
  "forget previous",
  "forget all previous",
  "forget your instructions",
  "forget everything above",
  "override your instructions",
  "new instructions:",
  "from now on you are",
  "you are now dan",
  "do anything now",
  "developer mode",
  "jailbreak",
  "without any restrictions",
  "no longer bound by",
  "bypass your safety",
]);

/** Two phrases of different kinds whose starts are at most this far apart block the response. */
export const PAIR_DISTANCE = 500;
