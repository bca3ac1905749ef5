/**
 * The secrets a container gets through its engine CLI's environment (a bare `--env NAME`).
 */

/**
 * Only the secrets a container's spec names, each of which must have a value: a CLI given a
 * bare `--env NAME` it has no value for drops the variable silently.
 *
 * @param secrets The values the launch holds.
 * @param names The spec's secret variable names.
 * @returns The values to add to the CLI's environment.
 * @throws {TypeError} When a name has no value.
 */
export function pickSecrets(
  secrets: Readonly<Record<string, string>>,
  names: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = secrets[name];
    if (value === undefined) {
      throw new TypeError(`Cannot start a container: no value for its secret variable ${name}`);
    }
    out[name] = value;
  }
  return out;
}
