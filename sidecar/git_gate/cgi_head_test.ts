import assert from "node:assert/strict";
import { headEnd, parseCgiHead } from "./_cgi_head.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("headEnd() finds the empty line after LF or CRLF headers, or says not yet", () => {
  assert.equal(headEnd(bytes("Content-Type: a\n\nbody")), 17);
  assert.equal(headEnd(bytes("Content-Type: a\r\n\r\nbody")), 19);
  assert.equal(headEnd(bytes("Content-Type: a\r\n")), -1);
  assert.equal(headEnd(bytes("")), -1);
});

Deno.test("parseCgiHead() takes Status and passes only the headers a git client needs", () => {
  const parsed = parseCgiHead(
    "Status: 404 Not Found\r\nContent-Type: text/plain\r\nSet-Cookie: x=1\r\nExpires: Fri, 01 Jan 1980 00:00:00 GMT\r\n",
  );
  assert.deepEqual(parsed.head, {
    status: 404,
    headers: [["content-type", "text/plain"], ["expires", "Fri, 01 Jan 1980 00:00:00 GMT"]],
  });
  assert.deepEqual(
    parseCgiHead("Content-Type: application/x-git-upload-pack-advertisement\n").head,
    {
      status: 200,
      headers: [["content-type", "application/x-git-upload-pack-advertisement"]],
    },
  );
});

Deno.test("parseCgiHead() refuses a malformed Status line or header", () => {
  const cases: [string, RegExp][] = [
    ["Status: 99 Odd\n", /malformed Status "99 Odd"/],
    ["Status: 600\n", /malformed Status "600"/],
    ["Status: 2000 OK\n", /malformed Status/],
    ["Status: OK\n", /malformed Status "OK"/],
    ["Status: 100 Continue\n", /malformed Status/],
    ["Status:\n", /malformed Status ""/],
    ["no colon here\n", /malformed header line "no colon here"/],
    [": empty name\n", /malformed header line/],
    ["Content-Type: a\u0000b\n", /control character in content-type/],
  ];
  for (const [text, message] of cases) {
    const parsed = parseCgiHead(text);
    assert.equal(parsed.head, undefined, JSON.stringify(text));
    assert.match(parsed.problem ?? "", message, JSON.stringify(text));
  }
});
