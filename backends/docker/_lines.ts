/** Splitting a child process's output into lines as it arrives. */

/**
 * Terminal control sequences (the legacy builder colours a step's stderr red): they would garble
 * a progress display and an error message alike.
 */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, "g");

/**
 * Call `onLine` for every non-blank line of a byte stream, without its line ending or colours.
 *
 * @param stream The stream (read to its end).
 * @param onLine Called once per line, in order.
 */
export async function forEachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) emit(line, onLine);
  }
  emit(pending, onLine);
}

function emit(line: string, onLine: (line: string) => void): void {
  const text = line.replace(ANSI, "").replace(/\r$/, "");
  if (text.trim() !== "") onLine(text);
}
