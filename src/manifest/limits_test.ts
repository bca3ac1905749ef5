import assert from "node:assert/strict";
import { loadBottle } from "./mod.ts";
import { formatSize, parseSize } from "./_limits.ts";
import { manifestError, tempHome } from "./_testing.ts";

// [case, limits section, line, column, message after 'Cannot load bottle "dev": ']
// Lines count from the file's first line, the opening ---.
const INVALID: [string, string, number, number, string][] = [
  [
    "an unknown unit",
    "  agent:\n    memory: 12XB\n",
    4,
    13,
    'limits.agent.memory must be a size with a unit, such as 512MiB or 4GiB (KiB, MiB, GiB, TiB), got "12XB"',
  ],
  [
    "a decimal unit",
    "  agent:\n    memory: 4GB\n",
    4,
    13,
    'limits.agent.memory must be a size with a unit, such as 512MiB or 4GiB (KiB, MiB, GiB, TiB), got "4GB"; write GiB',
  ],
  [
    "a size without a unit",
    "  agent:\n    memory: '4096'\n",
    4,
    13,
    'limits.agent.memory must be a size with a unit, such as 512MiB or 4GiB (KiB, MiB, GiB, TiB), got "4096"',
  ],
  [
    "a bare number as memory",
    "  sidecar:\n    memory: 4096\n",
    4,
    13,
    "limits.sidecar.memory must be a size with a unit, such as 512MiB or 4GiB (KiB, MiB, GiB, TiB)",
  ],
  [
    "a negative memory",
    "  agent:\n    memory: -1GiB\n",
    4,
    13,
    'limits.agent.memory must be a size with a unit, such as 512MiB or 4GiB (KiB, MiB, GiB, TiB), got "-1GiB"',
  ],
  [
    "an agent memory below the floor",
    "  agent:\n    memory: 64MiB\n",
    4,
    13,
    'limits.agent.memory must be from 128MiB to 1024TiB (the agent does not start with less), got "64MiB"',
  ],
  [
    "a sidecar memory below the floor",
    "  sidecar:\n    memory: 200m\n",
    4,
    13,
    'limits.sidecar.memory must be from 256MiB to 1024TiB (the sidecar does not start with less), got "200m"',
  ],
  [
    "a memory above the ceiling",
    "  agent:\n    memory: 2048TiB\n",
    4,
    13,
    'limits.agent.memory must be from 128MiB to 1024TiB (the agent does not start with less), got "2048TiB"',
  ],
  ["negative cpus", "  agent:\n    cpus: -2\n", 4, 11, "limits.agent.cpus must be at least 0.1"],
  ["zero cpus", "  sidecar:\n    cpus: 0\n", 4, 11, "limits.sidecar.cpus must be at least 0.1"],
  ["too many cpus", "  agent:\n    cpus: 5000\n", 4, 11, "limits.agent.cpus must be at most 1024"],
  [
    "cpus as text",
    "  agent:\n    cpus: two\n",
    4,
    11,
    "limits.agent.cpus must be a number of CPUs, such as 2 or 0.5",
  ],
  [
    "fractional pids",
    "  agent:\n    pids: 100.5\n",
    4,
    11,
    "limits.agent.pids must be a whole number of processes and threads",
  ],
  [
    "negative pids",
    "  agent:\n    pids: -1\n",
    4,
    11,
    "limits.agent.pids must be at least 64 (the agent does not start with fewer)",
  ],
  [
    "sidecar pids below the floor",
    "  sidecar:\n    pids: 10\n",
    4,
    11,
    "limits.sidecar.pids must be at least 64 (the sidecar does not start with fewer)",
  ],
  [
    "too many pids",
    "  agent:\n    pids: 99999999\n",
    4,
    11,
    "limits.agent.pids must be at most 4194304",
  ],
  [
    "an unknown container",
    "  gateway:\n    pids: 100\n",
    3,
    3,
    'unknown key "gateway" in limits (allowed: agent, sidecar)',
  ],
  [
    "an unknown field",
    "  agent:\n    memroy: 1GiB\n",
    4,
    5,
    'unknown key "memroy" in limits.agent (did you mean "memory"?)',
  ],
];

for (const [name, section, line, column, message] of INVALID) {
  Deno.test(`loadBottle() rejects ${name} in limits at ${line}:${column}`, async () => {
    await using t = await tempHome();
    const path = await t.bottle("dev", `limits:\n${section}`, "Body.\n");
    const err = await manifestError(loadBottle("dev", t.opts));
    assert.equal(err.detail, `Cannot load bottle "dev": ${message}`);
    assert.deepEqual([err.file, err.line, err.column], [path, line, column]);
  });
}

Deno.test("loadBottle() folds limits per field across extends, over the defaults", async () => {
  await using t = await tempHome();
  await t.bottle("base", "limits:\n  agent: {memory: 8GiB, pids: 2048}\n  sidecar: {cpus: 1}\n");
  await t.bottle("dev", "extends: base\nlimits:\n  agent: {memory: 1.5g, cpus: 0.5}\n");
  const bottle = await loadBottle("dev", t.opts);
  assert.deepEqual(bottle.limits, {
    agent: { memory: 1.5 * 1024 ** 3, cpus: 0.5, pids: 2048 },
    sidecar: { memory: 1024 ** 3, cpus: 1, pids: 512 },
  });
});

Deno.test("parseSize() reads binary units and Docker's one-letter ones alike", () => {
  const cases: [string, number][] = [
    ["512MiB", 512 * 1024 ** 2],
    ["512m", 512 * 1024 ** 2],
    ["512M", 512 * 1024 ** 2],
    ["4 GiB", 4 * 1024 ** 3],
    ["1TiB", 1024 ** 4],
    ["1.5KiB", 1536],
  ];
  for (const [text, bytes] of cases) assert.deepEqual(parseSize(text), { bytes }, text);
});

Deno.test("formatSize() names a size in the largest unit it fills", () => {
  assert.equal(formatSize(4 * 1024 ** 3), "4GiB");
  assert.equal(formatSize(1.5 * 1024 ** 3), "1.5GiB");
  assert.equal(formatSize(300 * 1024 ** 2), "300MiB");
  assert.equal(formatSize(100), "100B");
});
