/**
 * Reading daemon settings from the environment, shared by the daemons so that the same kind of
 * value is checked the same way and refused with the same words.
 */
import { isAbsolute } from "node:path";
import { ConfigError } from "../../core/errors/mod.ts";
import type { Environment } from "./_env.ts";

/** A variable's value; unset and empty are the same. */
export function setting(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

/**
 * An absolute path setting.
 *
 * @param env The environment.
 * @param name The variable.
 * @param fallback Used when the variable is unset.
 * @returns The path, or `undefined` when unset without a fallback.
 * @throws {ConfigError} For a relative path.
 */
export function absolutePath(
  env: Environment,
  name: string,
  fallback?: string,
): string | undefined {
  const value = setting(env, name) ?? fallback;
  if (value !== undefined && !isAbsolute(value)) {
    throw new ConfigError(`${name} must be an absolute path (got "${value}")`);
  }
  return value;
}

/**
 * Check a bottle slug setting (`BOT_BOTTLE_SLUG`).
 *
 * @param slug The value.
 * @returns The slug.
 * @throws {ConfigError} Unless lowercase letters, digits and dashes.
 */
export function checkSlug(slug: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(slug)) {
    throw new ConfigError(`BOT_BOTTLE_SLUG "${slug}" must be lowercase letters, digits and dashes`);
  }
  return slug;
}

/**
 * A timeout setting in whole seconds (1 to 999999).
 *
 * @param env The environment.
 * @param name The variable.
 * @param fallback The default, in seconds.
 * @returns Milliseconds.
 * @throws {ConfigError} For anything but a whole number of seconds.
 */
export function secondsSetting(env: Environment, name: string, fallback: number): number {
  const value = setting(env, name) ?? String(fallback);
  if (!/^[1-9][0-9]{0,5}$/.test(value)) {
    throw new ConfigError(`${name} must be a whole number of seconds, got "${value}"`);
  }
  return Number(value) * 1000;
}
