/** Names of everything the docker backend creates for a bottle, derived from its slug only. */
export { type BottleNames, bottleNames, SLUG_LABEL } from "../../core/engine_cli/mod.ts";
