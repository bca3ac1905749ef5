/**
 * The seed corpora under `tests/fuzz/seeds/`: valid inputs the mutators start from. Wire seeds are
 * stored with `\n` line ends for readability and sent with `\r\n`.
 */

const SEEDS = new URL("./seeds/", import.meta.url);

/**
 * Read every file of one seed folder, sorted by name (so a seed number means the same file on
 * every machine).
 *
 * @param folder The folder under `seeds/`.
 * @returns The files' texts.
 */
export async function readSeeds(folder: string): Promise<string[]> {
  const decoder = new TextDecoder();
  return (await readSeedBytes(folder)).map((bytes) => decoder.decode(bytes));
}

/**
 * Read every file of one seed folder as bytes, sorted by name.
 *
 * @param folder The folder under `seeds/`.
 * @returns The files' bytes.
 */
export async function readSeedBytes(folder: string): Promise<Uint8Array[]> {
  const dir = new URL(`${folder}/`, SEEDS);
  const names = (await Array.fromAsync(Deno.readDir(dir)))
    .filter((e) => e.isFile)
    .map((e) => e.name)
    .sort();
  return await Promise.all(names.map((name) => Deno.readFile(new URL(name, dir))));
}

/**
 * A wire seed's text with `\r\n` line ends.
 *
 * @param text The stored seed.
 * @returns The text to send.
 */
export function crlf(text: string): string {
  return text.replaceAll("\r\n", "\n").replaceAll("\n", "\r\n");
}

/**
 * Text as bytes, one byte a character (Latin-1): mutated heads keep every byte value they hold.
 *
 * @param text The text (code units above 0xff are cut to their low byte).
 * @returns The bytes.
 */
export function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/**
 * Hex text as bytes (whitespace ignored).
 *
 * @param hex The text.
 * @returns The bytes.
 */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  return Uint8Array.from(
    { length: clean.length / 2 },
    (_, i) => parseInt(clean.slice(2 * i, 2 * i + 2), 16),
  );
}

/**
 * Bytes as Latin-1 text, one character a byte (the inverse of {@link latin1}).
 *
 * @param bytes The bytes.
 * @returns The text.
 */
export function fromLatin1(bytes: Uint8Array): string {
  let out = "";
  for (let at = 0; at < bytes.length; at += 8_192) {
    out += String.fromCharCode(...bytes.subarray(at, at + 8_192));
  }
  return out;
}
