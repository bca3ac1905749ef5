import assert from "node:assert/strict";
import { HeaderList } from "./mod.ts";

Deno.test("HeaderList looks names up case-insensitively and keeps wire order and casing", () => {
  const list = new HeaderList([["Set-Cookie", "a=1"], ["Host", "h"], ["set-cookie", "b=2"]]);
  assert.equal(list.size, 3);
  assert.equal(list.get("SET-COOKIE"), "a=1, b=2");
  assert.deepEqual(list.getAll("set-cookie"), ["a=1", "b=2"]);
  assert.equal(list.get("missing"), null);
  assert.equal(list.has("HOST"), true);
  assert.deepEqual([...list], [["Set-Cookie", "a=1"], ["Host", "h"], ["set-cookie", "b=2"]]);
});

Deno.test("HeaderList.set() replaces every occurrence in place of the first", () => {
  const list = new HeaderList([["A", "1"], ["X-Dup", "1"], ["B", "2"], ["x-dup", "2"]]);
  list.set("X-DUP", "3");
  assert.deepEqual([...list], [["A", "1"], ["X-DUP", "3"], ["B", "2"]]);
  list.set("New", "v");
  assert.deepEqual([...list].at(-1), ["New", "v"]);
});

Deno.test("HeaderList.delete() removes every occurrence and reports whether any existed", () => {
  const list = new HeaderList([["A", "1"], ["b", "2"], ["B", "3"]]);
  assert.equal(list.delete("B"), true);
  assert.equal(list.delete("B"), false);
  assert.deepEqual([...list], [["A", "1"]]);
});

Deno.test("HeaderList rejects names and values that would inject or smuggle fields", () => {
  const list = new HeaderList();
  for (const name of ["", "Bad Name", "X:Y", "X\r\nY", "Ünicode"]) {
    assert.throws(() => list.append(name, "v"), TypeError, name);
  }
  for (const value of ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\0b", "a\x7fb"]) {
    assert.throws(() => list.set("X", value), TypeError, JSON.stringify(value));
  }
  assert.throws(() => new HeaderList([["X", "a\r\nb"]]), /control characters/);
  assert.equal(list.size, 0);
  list.append("X", "tab\tand obs-text \xe9");
  assert.equal(list.get("x"), "tab\tand obs-text \xe9");
});

Deno.test("HeaderList.filter() copies the fields it keeps, in order, and leaves the list as it was", () => {
  const list = new HeaderList([["Host", "h"], ["X-Drop", "1"], ["Accept", "*/*"], ["x-drop", "2"]]);
  const asked: string[] = [];
  const kept = list.filter((key) => {
    asked.push(key);
    return key !== "x-drop";
  });
  assert.deepEqual(asked, ["host", "x-drop", "accept", "x-drop"], "decided by lower-case name");
  assert.deepEqual([...kept], [["Host", "h"], ["Accept", "*/*"]]);
  assert.equal(kept.get("accept"), "*/*");
  assert.equal(list.size, 4);
  kept.append("X-New", "v");
  assert.equal(list.has("x-new"), false, "the copy is a list of its own");
});

Deno.test("HeaderList.forEach() visits every field in wire order with its casing and lower-case name", () => {
  const list = new HeaderList([["X-A", "1"], ["host", "h"], ["x-a", "2"]]);
  const seen: string[][] = [];
  list.forEach((name, value, key) => seen.push([name, value, key]));
  assert.deepEqual(seen, [["X-A", "1", "x-a"], ["host", "h", "host"], ["x-a", "2", "x-a"]]);
});
