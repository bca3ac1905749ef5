import assert from "node:assert/strict";
import { join } from "node:path";
import { UnsafeArchiveError, untar } from "./_untar.ts";

/** Generous limits for the tests that are not about limits. */
const LIMITS = { maxBytes: 1024 * 1024, maxEntries: 100 };

/** One ustar entry, built by hand: the archive comes from a bottle, so tests forge them. */
function entry(name: string, options: { type?: string; body?: string; link?: string } = {}) {
  const body = new TextEncoder().encode(options.body ?? "");
  const header = new Uint8Array(512);
  const put = (at: number, text: string) => header.set(new TextEncoder().encode(text), at);
  put(0, name);
  put(100, "0000644\0");
  put(108, "0001750\0");
  put(116, "0001750\0");
  put(124, `${body.length.toString(8).padStart(11, "0")}\0`);
  put(136, "00000000000\0");
  put(156, options.type ?? "0");
  put(157, options.link ?? "");
  put(257, "ustar\x0000");
  put(148, "        ");
  const sum = header.reduce((a, b) => a + b, 0);
  put(148, `${sum.toString(8).padStart(6, "0")}\0 `);
  const padded = new Uint8Array(Math.ceil(body.length / 512) * 512);
  padded.set(body);
  return [header, padded];
}

function archive(...entries: Uint8Array[][]): ReadableStream<Uint8Array> {
  const parts = [...entries.flat(), new Uint8Array(1024)];
  // Odd chunk sizes: the reader must not rely on block-aligned reads.
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += 333) chunks.push(all.subarray(i, i + 333));
  return ReadableStream.from(chunks);
}

async function inTemp(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bb-untar-" });
  try {
    await Deno.mkdir(join(dir, "root"));
    await Deno.mkdir(join(dir, "outside"));
    await fn(join(dir, "root"), join(dir, "outside"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("untar() unpacks files, folders and symlinks from a real tar", async () => {
  await inTemp(async (root, outside) => {
    const src = join(outside, "src");
    await Deno.mkdir(join(src, "dir", "deep"), { recursive: true });
    await Deno.writeTextFile(join(src, "dir", "deep", "a.txt"), "alpha\n");
    await Deno.writeTextFile(join(src, `${"long-name-".repeat(12)}.txt`), "long\n");
    await Deno.symlink("dir/deep/a.txt", join(src, "link"));
    const tar = new Deno.Command("tar", {
      args: ["--create", "--file=-", `--directory=${outside}`, "src"],
      stdout: "piped",
    }).spawn();
    const result = await untar(tar.stdout, root, LIMITS);
    assert.equal((await tar.status).success, true);
    assert.deepEqual(result.skipped, []);
    assert.equal(await Deno.readTextFile(join(root, "src", "dir", "deep", "a.txt")), "alpha\n");
    assert.equal(
      await Deno.readTextFile(join(root, "src", `${"long-name-".repeat(12)}.txt`)),
      "long\n",
    );
    assert.equal(await Deno.readLink(join(root, "src", "link")), "dir/deep/a.txt");
  });
});

Deno.test("untar() refuses entries outside the folder, absolute ones, and writes through links", async () => {
  const cases: [string, Uint8Array[][]][] = [
    ["dot-dot", [entry("../escape.txt", { body: "x" })]],
    ["nested dot-dot", [entry("a/../../escape.txt", { body: "x" })]],
    ["absolute", [entry("/tmp/escape.txt", { body: "x" })]],
    ["through an archive symlink", [
      entry("sneaky", { type: "2", link: "OUTSIDE" }),
      entry("sneaky/escape.txt", { body: "x" }),
    ]],
    ["over an archive symlink", [
      entry("sneaky", { type: "2", link: "OUTSIDE/escape.txt" }),
      entry("sneaky", { body: "x" }),
    ]],
  ];
  for (const [what, entries] of cases) {
    await inTemp(async (root, outside) => {
      const forged = entries.map((parts) =>
        parts.map((p) => {
          const text = new TextDecoder("latin1").decode(p).replace("OUTSIDE", outside);
          return Uint8Array.from(text, (c) => c.charCodeAt(0));
        })
      );
      await assert.rejects(untar(archive(...forged), root, LIMITS), UnsafeArchiveError, what);
      for await (const written of Deno.readDir(outside)) {
        assert.fail(`${what}: ${written.name} was written outside`);
      }
      assert.equal(
        await Deno.lstat(join(root, "..", "escape.txt")).catch(() => undefined),
        undefined,
        what,
      );
    });
  }
});

Deno.test("untar() skips hard links and devices, and refuses a truncated archive", async () => {
  await inTemp(async (root) => {
    const result = await untar(
      archive(entry("hard", { type: "1", link: "/etc/shadow" }), entry("ok.txt", { body: "ok" })),
      root,
      LIMITS,
    );
    assert.deepEqual(result, { entries: 1, skipped: ["hard"] });
    const [header, body] = entry("cut.txt", { body: "x".repeat(2000) });
    await assert.rejects(
      untar(ReadableStream.from([header!, body!.subarray(0, 700)]), root, LIMITS),
      /the archive ends inside it/,
    );
  });
});

Deno.test("untar() bounds what the archive makes the host hold or store", async () => {
  await inTemp(async (root) => {
    const [header] = entry("huge-name", { type: "L" });
    header!.set(new TextEncoder().encode("77777777777\0"), 124);
    const roomy = { maxBytes: 1e12, maxEntries: 10 };
    await assert.rejects(untar(archive([header!]), root, roomy), /name header/);
    const many = Array.from({ length: 5 }, (_, i) => entry(`f${i}`, { body: "x" }));
    await assert.rejects(
      untar(archive(...many), root, { maxBytes: 1024, maxEntries: 3 }),
      /over 1024 bytes or 3 entries/,
    );
    const big = entry("big", { body: "y".repeat(3000) });
    await assert.rejects(untar(archive(big), root, { maxBytes: 2048, maxEntries: 10 }), /over/);
    await assert.rejects(
      untar(ReadableStream.from([entry("a", { body: "z" }).flat()].flat()), root, LIMITS),
      /end marker/,
    );
  });
});

Deno.test("untar() takes names that merely start with two dots", async () => {
  await inTemp(async (root) => {
    await untar(archive(entry("..hidden", { body: "ok" })), root, LIMITS);
    assert.equal(await Deno.readTextFile(join(root, "..hidden")), "ok");
  });
});
