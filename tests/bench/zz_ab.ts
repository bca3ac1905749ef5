// A/B: deno run -A zz_ab.ts <rootA> <rootB> [rounds]
import { cpuTimes, freePort, median } from "./_proxy_bed.ts";
const [a, b] = [Deno.args[0]!, Deno.args[1]!];
const rounds = Number(Deno.args[2] ?? "8");
const bedA = await (await import(`${a}/tests/bench/_proxy_bed.ts`)).startProxyBed(freePort());
const bedB = await (await import(`${b}/tests/bench/_proxy_bed.ts`)).startProxyBed(freePort());
const { load } = await import(`${a}/tests/bench/_proxy_bed.ts`);
const beds: [string, any][] = [["A", bedA], ["B", bedB]];
const opt = (bed: any) => ({ mode: "small", host: "bench.test", port: bed.originPort, ca: bed.proxyCa, proxy: { host: "127.0.0.1", port: bed.proxyPort }, connections: 8 });
for (const [, bed] of beds) await load({ ...opt(bed), seconds: 8 });
const res: Record<string, { cpu: number[]; user: number[]; rps: number[]; p99: number[] }> = {};
for (let r = 0; r < rounds; r++) for (const [name, bed] of (r % 2 ? beds.toReversed() : beds)) {
  const t0 = await cpuTimes(bed.proxyPid); const f = await load({ ...opt(bed), seconds: 4 }); const t1 = await cpuTimes(bed.proxyPid);
  const x = (res[name] ??= { cpu: [], user: [], rps: [], p99: [] });
  x.cpu.push((t1.user + t1.system - t0.user - t0.system) * 1000 / f.requests); x.user.push((t1.user - t0.user) * 1000 / f.requests); x.rps.push(f.rps); x.p99.push(f.p99);
}
for (const [n, x] of Object.entries(res)) console.log(n, "cpu", x.cpu.map((v) => v.toFixed(0)).join(" "), "| median cpu", median(x.cpu).toFixed(1), "user", median(x.user).toFixed(1), "rps", median(x.rps).toFixed(0), "p99", median(x.p99).toFixed(2));
await bedA[Symbol.asyncDispose](); await bedB[Symbol.asyncDispose]();
