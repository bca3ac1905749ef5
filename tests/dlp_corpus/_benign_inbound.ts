/**
 * Benign inbound data: API JSON, git and other binary downloads, CSVs, gzip-compressed bodies
 * and checksum look-alikes.
 */
import { benignInbound, inbound, seq } from "./_case.ts";
import { b64 } from "./_encode.ts";
import { B64URL, Rng } from "./_rng.ts";
import { lookalike } from "./_benign_material.ts";
import type { CorpusCase } from "./mod.ts";

/** @returns API responses full of ids, timestamps and prices (class `api_json`). */
export function apiResponseCases(): CorpusCase[] {
  const b = benignInbound("api_json", "b-api-in");
  const r = b.rng;
  for (let i = 0; i < 25; i++) {
    const shapes: [string, () => unknown][] = [
      ["Stripe-style customer list", () => ({
        object: "list",
        has_more: true,
        data: Array.from({ length: 5 }, () => ({
          id: `cus_${r.alnum(14)}`,
          object: "customer",
          created: 1760000000 + r.int(0, 9999999),
          default_source: `card_${r.alnum(24)}`,
          invoice_prefix: r.str("ABCDEF0123456789", 8),
          balance: r.int(-5000, 5000),
          phone: `+44 20 7946 ${r.digits(4)}`,
        })),
      })],
      ["GitHub-style user and commit", () => ({
        login: "octocat",
        id: r.int(1, 99999999),
        node_id: `MDQ6VXNlcj${r.str(B64URL, 6)}`,
        avatar_url: `https://avatars.githubusercontent.com/u/${r.int(1, 99999999)}?v=4`,
        commit: { sha: r.hex(40), tree: { sha: r.hex(40) }, parents: [{ sha: r.hex(40) }] },
      })],
      ["paginated list with opaque cursor", () => ({
        items: Array.from(
          { length: 4 },
          () => ({
            id: r.uuid(),
            title: "Quarterly report",
            updated: new Date(Date.UTC(2026, r.int(0, 11), r.int(1, 28))).toISOString(),
          }),
        ),
        next_cursor: b64(JSON.stringify({ after: r.int(1000, 99999), ts: 1764990000 })),
      })],
      [
        "weather forecast",
        () => ({
          lat: 52.52,
          lon: 13.405,
          timezone: "Europe/Berlin",
          hourly: {
            time: Array.from(
              { length: 12 },
              (_, k) => `2026-12-06T${String(k).padStart(2, "0")}:00`,
            ),
            temperature_2m: Array.from({ length: 12 }, () => r.int(-50, 80) / 10),
          },
        }),
      ],
      ["cloud resource description", () => ({
        Reservations: [{
          ReservationId: `r-${r.hex(17)}`,
          OwnerId: r.digits(12),
          Instances: [{
            InstanceId: `i-${r.hex(17)}`,
            ImageId: `ami-${r.hex(17)}`,
            PrivateIpAddress: `10.0.${r.int(0, 255)}.${r.int(1, 254)}`,
            LaunchTime: "2026-11-01T10:00:00+00:00",
            VpcId: `vpc-${r.hex(8)}`,
          }],
        }],
        ResponseMetadata: { RequestId: r.uuid().toUpperCase() },
      })],
    ];
    const [what, make] = shapes[i % shapes.length]!;
    b.add(what, { host: "api.corpus.test", target: `/v1/resource-${i}` }, {
      contentType: "application/json",
      headers: [["ETag", `"${r.hex(32)}"`], ["X-Request-Id", r.uuid()]],
      body: JSON.stringify(make(), null, i % 2 === 0 ? 2 : undefined),
    });
  }
  return b.cases;
}

function pktLine(text: string): string {
  return (text.length + 4).toString(16).padStart(4, "0") + text;
}

/** @returns Git refs, packs, tarballs and images (class `binary`). */
export function binaryCases(): CorpusCase[] {
  const b = benignInbound("binary", "b-bin");
  const r = b.rng;
  for (let i = 0; i < 5; i++) {
    const refs = [
      pktLine("# service=git-upload-pack\n") + "0000",
      pktLine(
        `${
          r.hex(40)
        } HEAD\0multi_ack thin-pack side-band side-band-64k ofs-delta shallow no-progress include-tag agent=git/2.47.1\n`,
      ),
    ];
    for (let k = 0; k < 8; k++) refs.push(pktLine(`${r.hex(40)} refs/heads/feature-${k}\n`));
    b.add("git smart-HTTP ref advertisement", {
      host: "git.corpus.test",
      target: `/acme/repo${i}.git/info/refs?service=git-upload-pack`,
    }, {
      contentType: "application/x-git-upload-pack-advertisement",
      body: refs.join("") + "0000",
    });
    const pack = new Uint8Array([
      0x50,
      0x41,
      0x43,
      0x4b,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      r.int(3, 200),
      ...r.bytes(3000 + i * 1000),
      ...r.bytes(20),
    ]);
    b.add("git pack (dumb HTTP)", {
      host: "git.corpus.test",
      target: `/acme/repo${i}.git/objects/pack/pack-${r.hex(40)}.pack`,
    }, {
      contentType: "application/x-git-packed-objects",
      bodyBase64: b64(pack),
    });
  }
  for (let i = 0; i < 5; i++) {
    const tgz = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, ...r.bytes(4000)]);
    b.add("package tarball bytes", {
      host: "registry.corpus.test",
      target: `/pkg${i}/-/pkg${i}-1.0.${i}.tgz`,
    }, {
      contentType: "application/octet-stream",
      bodyBase64: b64(tgz),
    });
  }
  return b.cases;
}

/** @returns CSV downloads of numbers (class `csv_numbers`). */
export function csvDownloadCases(): CorpusCase[] {
  const b = benignInbound("csv_numbers", "b-csv-in");
  const r = b.rng;
  for (let i = 0; i < 15; i++) {
    const header = [
      "sensor_id,timestamp_ms,temp_c,humidity,pressure_hpa",
      "account,period,revenue,cost,margin",
      "zip,population,median_income,lat,lon",
    ][i % 3]!;
    const rows = [header];
    for (let k = 0; k < 60; k++) {
      rows.push(
        i % 3 === 0
          ? `${r.int(100, 999)},${1764990000000 + k * 60000},${r.int(-100, 400) / 10},${
            r.int(200, 990) / 10
          },${r.int(9800, 10400) / 10}`
          : i % 3 === 1
          ? `${r.int(10000, 99999)},2026-${String(1 + (k % 12)).padStart(2, "0")},${
            r.int(1000, 999999) / 100
          },${r.int(1000, 500000) / 100},${r.int(-300, 600) / 10}%`
          : `${r.digits(5)},${r.int(100, 99999)},${r.int(20000, 180000)},${
            (r.int(2500, 4900) / 100).toFixed(4)
          },${(-r.int(7000, 12400) / 100).toFixed(4)}`,
      );
    }
    b.add(header.split(",")[0] + " CSV", {
      host: "cdn.corpus.test",
      target: `/exports/data-${i}.csv`,
    }, { contentType: "text/csv", body: rows.join("\n") + "\n" });
  }
  return b.cases;
}

/** @returns Card- and IBAN-like numbers failing their checksums (class `checksum_lookalike`). */
export function lookalikeInboundCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const r = new Rng("benign:lookalike-in");
  for (let i = 0; i < 15; i++) {
    const { value, kind, what } = lookalike(r, i);
    cases.push(
      inbound({
        id: `b-look-in-${seq(i)}`,
        class: "checksum_lookalike",
        label: "benign",
        what,
        checks: [{ kind, value, valid: false }],
      }, {
        host: "api.corpus.test",
        target: `/v1/invoices/${i}`,
      }, {
        contentType: "application/json",
        body: JSON.stringify({
          invoice: `INV-${r.int(10000, 99999)}`,
          order_number: value,
          total: r.int(1000, 99999) / 100,
          status: "paid",
        }),
      }),
    );
  }
  return cases;
}

/** @returns Benign bodies sent gzip-compressed (class `gzip_body`). */
export function gzipBenignCases(): CorpusCase[] {
  const b = benignInbound("gzip_body", "b-gz");
  const r = b.rng;
  for (let i = 0; i < 10; i++) {
    b.add(
      i % 2 === 0 ? "compressed JSON list" : "compressed HTML page",
      { host: "api.corpus.test", target: `/v1/compressed/${i}` },
      i % 2 === 0
        ? {
          contentType: "application/json",
          encoding: "gzip",
          body: JSON.stringify({
            items: Array.from(
              { length: 30 },
              () => ({ id: r.uuid(), sha: r.hex(40), n: r.int(0, 9999) }),
            ),
          }),
        }
        : {
          contentType: "text/html",
          encoding: "gzip",
          body: `<!doctype html><html><body><h1>Changelog</h1>${
            Array.from({ length: 20 }, (_, k) => `<li>${r.hex(7)} fix issue #${k + 100}</li>`).join(
              "",
            )
          }</body></html>`,
        },
    );
  }
  return b.cases;
}

/** Random JS-ish identifiers for the minifier shapes. */
export function ident(r: Rng): string {
  return r.str("abcdefghijklmnopqrstuvwxyz", 1) +
    r.str("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$", r.int(0, 2));
}
