/**
 * The bot-bottle version. Kept equal to `deno.json`'s `version` by a test (deno.json carries
 * comments, so it cannot be imported as JSON).
 */
export const VERSION = "0.1.0";
