import config from "../../deno.json" with { type: "json" };

/** The bot-bottle version, from `deno.json` (one source of truth for the CLI and releases). */
export const VERSION: string = config.version;
