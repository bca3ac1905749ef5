import assert from "node:assert/strict";
import { CHECK_EVERY_BYTES, GcPacer, GROWTH_LIMIT_BYTES } from "./mod.ts";

const MIB = 1024 * 1024;

/** A pacer over a fake heap whose collections free `freed` of the external memory. */
function paced(options: { external: number; freed: number }) {
  const state = { external: options.external, collections: 0 };
  const pacer = new GcPacer({
    collect: () => {
      state.collections++;
      state.external -= options.freed;
    },
    memory: () => state.external,
  });
  /** Relay `mib` MiB, each leaving a MiB of external memory behind. */
  const relay = (mib: number) => {
    for (let i = 0; i < mib; i++) {
      state.external += MIB;
      pacer.relayed(MIB);
    }
  };
  return { pacer, state, relay };
}

Deno.test("GcPacer collects once the dead buffers grew past the limit, and again after as much more", () => {
  const { state, relay } = paced({ external: 4 * MIB, freed: 0 });
  // Frees nothing here; the point is when it asks.
  relay(GROWTH_LIMIT_BYTES / MIB);
  assert.equal(state.collections, 0, "not within the limit");
  relay(2);
  assert.equal(state.collections, 1);
  relay(GROWTH_LIMIT_BYTES / MIB);
  assert.equal(state.collections, 1, "the floor is the reading after the collection");
  relay(2);
  assert.equal(state.collections, 2);
});

Deno.test("GcPacer does not collect again and again over live data that stays put", () => {
  const { pacer, state } = paced({ external: 200 * MIB, freed: 0 });
  for (let i = 0; i < 1000; i++) pacer.relayed(MIB);
  assert.equal(state.collections, 0);
});

Deno.test("GcPacer looks at the memory only every CHECK_EVERY_BYTES", () => {
  let readings = 0;
  const pacer = new GcPacer({
    collect: () => {},
    memory: () => {
      readings++;
      return 0;
    },
  });
  for (let i = 0; i < 40; i++) pacer.relayed(CHECK_EVERY_BYTES / 4);
  assert.equal(readings, 10);
});

Deno.test("GcPacer does nothing in a runtime without --expose-gc", () => {
  let readings = 0;
  const pacer = new GcPacer({
    collect: undefined,
    memory: () => {
      readings++;
      return 1024 * MIB;
    },
  });
  for (let i = 0; i < 100; i++) pacer.relayed(MIB);
  assert.equal(pacer.active, false);
  assert.equal(readings, 0);
});

Deno.test("GcPacer finds the runtime's gc when V8 exposed it", async () => {
  const script = `import { GcPacer } from ${
    JSON.stringify(new URL("./mod.ts", import.meta.url).href)
  };
console.log(new GcPacer().active);`;
  const run = (flags: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["eval", ...flags, script],
      stderr: "inherit",
    }).output().then((out) => new TextDecoder().decode(out.stdout).trim());
  assert.equal(await run(["--v8-flags=--expose-gc"]), "true");
  assert.equal(await run([]), "false");
});

Deno.test("GcPacer counts the JS heap too: objects piling up start a collection", () => {
  let collections = 0;
  const pacer = new GcPacer({ collect: () => collections++ });
  pacer.relayed(CHECK_EVERY_BYTES);
  // About 32 MiB of small live objects, and no ArrayBuffer at all.
  const kept: { at: number; next: unknown }[] = [];
  for (let i = 0; i < 32; i++) {
    for (let j = 0; j < 32 * 1024; j++) kept.push({ at: j, next: [i, j, `${i}:${j}`] });
    pacer.relayed(CHECK_EVERY_BYTES);
  }
  assert.ok(kept.length > 0);
  assert.ok(collections >= 1, "the heap's growth was seen");
});
