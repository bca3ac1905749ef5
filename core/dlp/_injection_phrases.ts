/**
 * Phrase lists of `naive_injection_detection`. Lower case, words separated by one space; the
 * scanner matches them case-insensitively and lets any whitespace run stand for a space.
 *
 * Each phrase is evidence for one signal, with a weight. No phrase decides alone: the scorer
 * (`_injection_score.ts`) adds the strongest phrase of each signal found close together, with the
 * hidden carrier around them, and blocks at {@link BLOCK_SCORE}. Weights say how rarely a phrase
 * shows up in text written for a human reader: "your api key" is everywhere in docs (1.5),
 * "ignore previous instructions" almost only in attacks and articles about them (4.5), so that
 * one with any disclosure phrase blocks, as it always has.
 */

/** What a phrase is evidence of. */
export type Signal =
  /** Lifts or replaces the agent's instructions, or hides the act from the user. */
  | "jailbreak"
  /** Asks for the agent's instructions, credentials or files. */
  | "disclosure"
  /** Claims to speak for the system, the developer or the user. */
  | "authority"
  /** Tells a tool what to run, where to send data, what to remember. */
  | "tool_command"
  /** Speaks to the AI reading the page rather than to a human. */
  | "addressed"
  /** Talks about attacks: the text describes an injection rather than performing one. */
  | "educational";

/** One phrase and what it is worth. */
export interface SignalPhrase {
  readonly text: string;
  readonly signal: Signal;
  readonly weight: number;
  /** How findings name it, when not by its text. */
  readonly label?: string;
  /** A pipe into a shell counts only when a download command came just before it. */
  readonly afterFetch?: true;
}

/** A score at or above this blocks the response. */
export const BLOCK_SCORE = 6;
/** Signals whose phrases start at most this far apart are scored together. */
export const PAIR_DISTANCE = 500;
/** What an educational phrase nearby takes off a score (visible text only). */
export const EDUCATIONAL_DISCOUNT = 3;

function phrases(signal: Signal, weight: number, texts: readonly string[]): SignalPhrase[] {
  return texts.map((text) => ({ text, signal, weight }));
}

const JAILBREAK = [
  ...phrases("jailbreak", 4.5, [
    "ignore previous",
    "ignore all previous",
    "ignore the previous",
    "ignore prior",
    "ignore all prior",
    "ignore the above",
    "ignore all instructions",
    "ignore your instructions",
    "ignore any previous",
    "disregard previous",
    "disregard all previous",
    "disregard prior",
    "disregard the above",
    "disregard your instructions",
    "disregard any previous",
    "forget previous",
    "forget all previous",
    "forget your instructions",
    "forget everything above",
    "override your instructions",
    "from now on you are",
    "from now on, you are",
    "you are now dan",
    "do anything now",
    "no longer bound by",
    "bypass your safety",
    "do not tell the user",
    "don't tell the user",
    "do not inform the user",
    "without telling the user",
    "without informing the user",
    "do not mention this",
    "don't mention this",
    "do not mention that",
    "never mention this",
    "the user must not know",
    "hide this from the user",
  ]),
  ...phrases("jailbreak", 3, ["new instructions:", "updated instructions:"]),
  ...phrases("jailbreak", 2, ["jailbreak", "without any restrictions"]),
];

const DISCLOSURE = [
  ...phrases("disclosure", 3, [
    "system prompt",
    "your instructions",
    "your initial instructions",
    "your original instructions",
    "your hidden instructions",
    "the instructions above",
    "the text above",
    "everything above",
    "printenv",
    "id_rsa",
    "id_ed25519",
    "/etc/passwd",
    "/etc/shadow",
    ".ssh/",
    "~/.ssh",
    ".aws/credentials",
    ".git-credentials",
    ".netrc",
    "exfiltrate",
    "send the contents",
    "upload the contents",
    "post the contents",
  ]),
  ...phrases("disclosure", 2, ["your environment variables", "your private key", "your tokens"]),
  // Docs say these to every reader: with a jailbreak they block, with a tool command they warn.
  ...phrases("disclosure", 1.5, [
    "your api key",
    "your api keys",
    "your credentials",
    "your access token",
    "your secret",
    "your password",
    "environment variables",
    ".env file",
    "mcp.json",
  ]),
];

const AUTHORITY = [
  ...phrases("authority", 4, [
    "<|im_start|>system",
    "<|system|>",
    "<<sys>>",
    "[inst]",
    "new priority directive",
    "priority directive:",
    "system override",
    "admin override",
    "the user has authorized you",
    "the user has authorised you",
    "the user has given you permission",
    "as your administrator",
    "as your developer",
    "as your creator",
    "message from your developer",
    "i am your developer",
    "i am your administrator",
    "you are now in developer mode",
    "developer mode enabled",
    "developer mode activated",
    "you are in maintenance mode",
  ]),
  ...phrases("authority", 3, [
    "[system]",
    "[system message]",
    "[system note]",
    "<system>",
    "<system_message>",
    "<system-message>",
    "### system:",
    "### instruction:",
    "### instructions:",
    "<important>",
    "important instructions for",
    "official instructions",
  ]),
  ...phrases("authority", 2, ["developer mode", "god mode", "sudo mode"]),
];

const TOOL_COMMAND = [
  ...phrases("tool_command", 3, [
    "bash <(curl",
    "sh <(curl",
    'bash -c "$(curl',
    'sh -c "$(curl',
    "iex (iwr",
    "iex(iwr",
    "iex (irm",
    "iex(irm",
    "iex (new-object",
    "/dev/tcp/",
    "nc -e",
    "base64 -d | sh",
    "base64 -d | bash",
    "send it to http",
    "send them to http",
    "send this to http",
    "send the output to",
    "send the result to",
    "send the results to",
    "post it to http",
    "post them to http",
    "upload it to http",
    "upload them to http",
    "append it to the url",
    "include it in the url",
    "add this to your memory",
    "save this to your memory",
    "store this in your memory",
    "remember this instruction",
    "add the following to claude.md",
    "add the following to agents.md",
    "claude.md",
    "agents.md",
    ".cursorrules",
  ]),
  ...phrases("tool_command", 2, [
    "run the following command",
    "run the following commands",
    "run this command",
    "execute the following",
    "execute this command",
    "execute the command",
    "read ~/.",
    "cat ~/.",
  ]),
];

const ADDRESSED = phrases("addressed", 2, [
  "if you are an ai",
  "if you're an ai",
  "if you are a language model",
  "if you are an llm",
  "if you are an assistant",
  "if you are an agent",
  "if you are claude",
  "if you are chatgpt",
  "ai assistants reading",
  "ai agents reading",
  "any ai reading",
  "note to ai",
  "note to the ai",
  "note for ai",
  "attention ai",
  "attention: ai",
  "dear ai",
  "to the ai assistant",
  "to any ai",
  "instructions for ai",
  "instructions for the ai",
  "hey claude",
  "hey chatgpt",
  "hello claude",
  "assistant, you must",
  "agent, you must",
  "you must now",
  "you are required to",
]);

const EDUCATIONAL = phrases("educational", EDUCATIONAL_DISCOUNT, [
  "for example",
  "e.g.",
  "such as",
  "an attacker",
  "the attacker",
  "attackers",
  "malicious",
  "this technique",
  "prompt injection",
  "injection attack",
  "adversarial",
  "researchers",
  "vulnerability",
  "example of",
]);

/** Download commands: what makes a later pipe into a shell a tool command. */
export const FETCH_PHRASES: readonly string[] = Object.freeze([
  "curl ",
  "wget ",
  "iwr ",
  "irm ",
  "invoke-webrequest",
  "invoke-restmethod",
]);

/** Bytes after a download command within which a pipe into a shell counts. */
export const FETCH_REACH = 256;

/** `| sh` and its kin, each followed by a byte that ends the shell's name. */
function pipes(): SignalPhrase[] {
  const out: SignalPhrase[] = [];
  for (const shell of ["sh", "bash", "zsh", "sudo sh", "sudo bash", "sudo -e bash", "iex"]) {
    for (const pipe of ["|", "| "]) {
      for (const end of [" ", '"', "'", "`", ";", ")", "&", "<", "\\"]) {
        out.push({
          text: `${pipe}${shell}${end}`,
          signal: "tool_command",
          weight: 3,
          label: `curl … | ${shell}`,
          afterFetch: true,
        });
      }
    }
  }
  return out;
}

/** Every phrase, in pattern-id order. */
export const SIGNAL_PHRASES: readonly SignalPhrase[] = Object.freeze([
  ...JAILBREAK,
  ...DISCLOSURE,
  ...AUTHORITY,
  ...TOOL_COMMAND,
  ...ADDRESSED,
  ...EDUCATIONAL,
  ...pipes(),
]);
