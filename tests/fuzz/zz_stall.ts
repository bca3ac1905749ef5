import { exchange } from "./_wire.ts";
import { startEgressBed } from "./_egress_bed.ts";
import { latin1 } from "./_seeds.ts";
await using bed = await startEgressBed();
const cases = [
  "POST /upload HTTP/1.1\r\nHost: fuzz.test\r\nContent-Length: 100\r\n\r\nabc",
  "POST /upload HTTP/1.1\r\nHost: fuzz.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc",
];
await Promise.all(cases.map(async (c, i) => {
  const tunnel = { authority: "fuzz.test:443", tls: { servername: "fuzz.test", ca: bed.ca } };
  const res = await exchange(bed.port, latin1(c), {
    delivery: { cuts: [], gapMs: 0, stall: true },
    boundMs: 400_000,
    tunnel,
  });
  console.log(
    i,
    res.closed,
    res.ms,
    JSON.stringify(new TextDecoder().decode(res.answer).slice(0, 200)),
  );
}));
