/**
 * Names of everything the macos-container backend creates for a bottle, from its slug only (the
 * same as every engine's): the internal network is the host-only one, the egress network the
 * per-bottle NAT one.
 */
export { type BottleNames, bottleNames, SLUG_LABEL } from "../../core/engine_cli/mod.ts";
