/**
 * Test support: the fake `smolvm` (`smolvm.ts`) installed in a temporary folder, with what it
 * recorded. The CLI a backend is given is a small launcher script there that runs the fake with
 * its state folder, so every test has its own machines, log and configuration.
 *
 * @module
 * @example
 * ```ts ignore
 * const fake = await installFakeSmolvm();
 * const backend = smolmachinesBackend({ cli: fake.cli, sidecars, runDir: fake.dir });
 * // …
 * console.log(await fake.calls());
 * await fake.remove();
 * ```
 */
import { join } from "node:path";
import type { FakeConfig, FakeMachine } from "./smolvm.ts";

export type { FakeConfig, FakeMachine } from "./smolvm.ts";

/** One call the fake recorded. */
export interface FakeCall {
  /** The arguments after `smolvm`. */
  argv: string[];
  /** The names of the variables in its environment. */
  env: string[];
}

/** An installed fake. */
export interface FakeSmolvm {
  /** The CLI to give the backend. */
  cli: string;
  /** Its folder (state, log, a place for the backend's own files). */
  dir: string;
  /** Every call so far, in order. */
  calls(): Promise<FakeCall[]>;
  /** Its machines, by name. */
  machines(): Promise<Record<string, FakeMachine>>;
  /** Change its configuration. */
  configure(config: FakeConfig): Promise<void>;
  /** Remove its folder. */
  remove(): Promise<void>;
}

/**
 * Install a fake smolvm in a new temporary folder.
 *
 * @param config Its configuration.
 * @returns The fake.
 */
export async function installFakeSmolvm(config: FakeConfig = {}): Promise<FakeSmolvm> {
  const dir = await Deno.makeTempDir({ prefix: "bb-fake-smolvm-" });
  const state = join(dir, "state");
  await Deno.mkdir(state);
  const script = new URL("./smolvm.ts", import.meta.url).pathname;
  const cli = join(dir, "smolvm");
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  await Deno.writeTextFile(
    cli,
    [
      "#!/bin/sh",
      `FAKE_SMOLVM_STATE=${quote(state)}`,
      "export FAKE_SMOLVM_STATE",
      `exec ${quote(Deno.execPath())} run -q --no-lock --allow-read --allow-write --allow-env ${
        quote(script)
      } "$@"`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  const configure = (c: FakeConfig) =>
    Deno.writeTextFile(join(state, "config.json"), JSON.stringify(c));
  await configure(config);
  return {
    cli,
    dir,
    calls: async () =>
      (await Deno.readTextFile(join(state, "calls.jsonl")).catch(() => "")).split("\n")
        .filter((line) => line !== "").map((line) => JSON.parse(line) as FakeCall),
    machines: async () =>
      JSON.parse(await Deno.readTextFile(join(state, "machines.json")).catch(() => "{}")),
    configure,
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}
