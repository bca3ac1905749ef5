import assert from "node:assert/strict";
import { join } from "node:path";
import { readRegularFile } from "./read_regular_file.ts";

const OPTIONS = { maxBytes: 64, what: "proposal" };

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Fails (instead of hanging the suite) when a read blocks. */
async function settlesSoon<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the read blocked")), 5_000);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("readRegularFile() reads a regular file and says nothing is there when nothing is", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "a.json"), '{"é":1}');
    assert.equal(await readRegularFile(join(dir, "a.json"), OPTIONS), '{"é":1}');
    assert.equal(await readRegularFile(join(dir, "none.json"), OPTIONS), undefined);
  });
});

Deno.test("readRegularFile() refuses a FIFO at once, with no writer on the other end", async () => {
  await withDir(async (dir) => {
    const fifo = join(dir, "x.proposal.json");
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert.equal(made.code, 0);
    await assert.rejects(
      settlesSoon(readRegularFile(fifo, OPTIONS)),
      new RegExp(`^Error: proposal ${fifo} is a FIFO, not a regular file; refusing to read it$`),
    );
  });
});

Deno.test("readRegularFile() refuses a file over the cap, and accepts one exactly at it", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "big.json");
    await Deno.writeTextFile(path, "x".repeat(65));
    await assert.rejects(
      readRegularFile(path, OPTIONS),
      /proposal .*big\.json is 65 bytes, over the limit of 64; refusing to read it/,
    );
    await Deno.writeTextFile(path, "y".repeat(64));
    assert.equal(await readRegularFile(path, OPTIONS), "y".repeat(64));
  });
});

Deno.test("readRegularFile() refuses a symlink, even one to a regular file", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "target"), "{}");
    await Deno.symlink(join(dir, "target"), join(dir, "link.json"));
    await assert.rejects(
      readRegularFile(join(dir, "link.json"), OPTIONS),
      /link\.json is a symlink; refusing to follow it/,
    );
  });
});

Deno.test("readRegularFile() refuses a directory and a device", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(join(dir, "sub"));
    await assert.rejects(
      readRegularFile(join(dir, "sub"), OPTIONS),
      /sub is a directory, not a regular file/,
    );
  });
  await assert.rejects(
    settlesSoon(readRegularFile("/dev/zero", OPTIONS)),
    /\/dev\/zero is a device, not a regular file/,
  );
});

Deno.test("readRegularFile() refuses a regular file swapped for a FIFO or a symlink after the check", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "x.proposal.json");
    await Deno.writeTextFile(join(dir, "elsewhere"), "{}");
    const swaps: Record<string, () => Promise<void>> = {
      fifo: async () => {
        await Deno.remove(path);
        assert.equal((await new Deno.Command("mkfifo", { args: [path] }).output()).code, 0);
      },
      symlink: async () => {
        await Deno.remove(path);
        await Deno.symlink(join(dir, "elsewhere"), path);
      },
    };
    for (const [kind, swap] of Object.entries(swaps)) {
      await Deno.remove(path).catch(() => {});
      await Deno.writeTextFile(path, "{}");
      await assert.rejects(
        settlesSoon(readRegularFile(path, { ...OPTIONS, beforeOpen: swap })),
        /x\.proposal\.json was replaced while being read; refusing it/,
        kind,
      );
    }
  });
});

Deno.test("readRegularFile() refuses a file that grew between the check and the read", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "growing.json");
    await Deno.writeTextFile(path, "{}");
    const grow = () => Deno.writeTextFile(path, "more", { append: true });
    await assert.rejects(
      readRegularFile(path, { ...OPTIONS, beforeOpen: grow }),
      /growing\.json grew while being read; refusing it/,
    );
  });
});
