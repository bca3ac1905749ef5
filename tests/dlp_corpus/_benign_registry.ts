/** Benign inbound registry traffic: npm, PyPI and crates metadata, and lockfiles. */
import { benignInbound } from "./_case.ts";
import { b64 } from "./_encode.ts";
import { B64, Rng } from "./_rng.ts";
import { PACKAGES } from "./_benign_material.ts";
import type { CorpusCase } from "./mod.ts";

function integrity(r: Rng): string {
  return `sha512-${b64(r.bytes(64))}`;
}

/** @returns npm packuments, PyPI JSON and crates index lines (class `registry_metadata`). */
export function registryMetadataCases(): CorpusCase[] {
  const b = benignInbound("registry_metadata", "b-meta");
  const r = b.rng;
  PACKAGES.forEach((p, i) => {
    const versions: Record<string, unknown> = {};
    for (let v = 0; v < 4; v++) {
      const version = `${p.version.split(".")[0]}.${v}.${r.int(0, 9)}`;
      versions[version] = {
        name: p.name,
        version,
        dist: {
          integrity: integrity(r),
          shasum: r.hex(40),
          tarball: `https://registry.npmjs.org/${p.name}/-/${
            p.name.split("/").pop()
          }-${version}.tgz`,
          fileCount: r.int(5, 400),
          unpackedSize: r.int(10000, 9000000),
          signatures: [{
            keyid: "SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U",
            sig: `MEUCI${r.str(B64, 40)}AiEA${r.str(B64, 40)}=`,
          }],
          attestations: {
            url: `https://registry.npmjs.org/-/npm/v1/attestations/${p.name}@${version}`,
            provenance: { predicateType: "https://slsa.dev/provenance/v1" },
          },
        },
        _npmUser: { name: "publisher", email: "publisher@example.com" },
        gitHead: r.hex(40),
      };
    }
    b.add(`npm packument ${p.name}`, {
      host: "registry.corpus.test",
      target: `/${p.name.replace("/", "%2f")}`,
    }, {
      contentType: "application/vnd.npm.install-v1+json",
      body: JSON.stringify({
        name: p.name,
        "dist-tags": { latest: p.version },
        modified: "2026-11-30T12:00:00.000Z",
        versions,
      }),
    });
    const files = Array.from({ length: 3 }, (_, k) => ({
      filename: `${p.py}-${k + 1}.${r.int(0, 30)}.0-py3-none-any.whl`,
      digests: { blake2b_256: r.hex(64), md5: r.hex(32), sha256: r.hex(64) },
      url: `https://files.pythonhosted.org/packages/${r.hex(2)}/${r.hex(2)}/${
        r.hex(60)
      }/${p.py}.whl`,
      upload_time_iso_8601: "2026-10-01T09:30:12.123456Z",
      size: r.int(10000, 900000),
      yanked: false,
    }));
    b.add(`PyPI JSON ${p.py}`, { host: "registry.corpus.test", target: `/pypi/${p.py}/json` }, {
      contentType: "application/json",
      body: JSON.stringify({
        info: { name: p.py, summary: "A popular library", requires_python: ">=3.9" },
        urls: files,
      }),
    });
    const lines = Array.from(
      { length: 6 },
      (_, k) =>
        JSON.stringify({
          name: `crate${i}`,
          vers: `1.${k}.0`,
          deps: [],
          cksum: r.hex(64),
          features: {},
          yanked: false,
          v: 2,
        }),
    );
    b.add(`crates.io index for crate${i}`, {
      host: "registry.corpus.test",
      target: `/index/cr/at/crate${i}`,
    }, { contentType: "text/plain", body: lines.join("\n") + "\n" });
  });
  return b.cases;
}

/** @returns Lockfiles of eight ecosystems (class `lockfile`). */
export function lockfileCases(): CorpusCase[] {
  const b = benignInbound("lockfile", "b-lock");
  const r = b.rng;
  const shapes: [string, string, () => string][] = [
    ["package-lock.json", "application/json", () =>
      JSON.stringify(
        {
          name: "app",
          lockfileVersion: 3,
          requires: true,
          packages: Object.fromEntries(
            PACKAGES.map((
              p,
            ) => [`node_modules/${p.name}`, {
              version: p.version,
              resolved: `https://registry.npmjs.org/${p.name}/-/${
                p.name.split("/").pop()
              }-${p.version}.tgz`,
              integrity: integrity(r),
              license: "MIT",
            }]),
          ),
        },
        null,
        2,
      )],
    [
      "yarn.lock",
      "text/plain",
      () =>
        PACKAGES.map((p) =>
          `"${p.name}@^${p.version}":\n  version "${p.version}"\n  resolved "https://registry.yarnpkg.com/${p.name}/-/${
            p.name.split("/").pop()
          }-${p.version}.tgz#${r.hex(40)}"\n  integrity ${integrity(r)}\n`
        ).join("\n"),
    ],
    [
      "pnpm-lock.yaml",
      "application/yaml",
      () =>
        `lockfileVersion: '9.0'\n\npackages:\n\n` +
        PACKAGES.map((p) =>
          `  ${p.name}@${p.version}:\n    resolution: {integrity: ${
            integrity(r)
          }}\n    engines: {node: '>=18'}\n`
        ).join("\n"),
    ],
    [
      "Cargo.lock",
      "text/plain",
      () =>
        "version = 4\n\n" +
        Array.from({ length: 8 }, (_, k) =>
          `[[package]]\nname = "dep${k}"\nversion = "0.${k}.3"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${
            r.hex(64)
          }"\n`).join("\n"),
    ],
    [
      "poetry.lock",
      "text/plain",
      () =>
        PACKAGES.map((p) =>
          `[[package]]\nname = "${p.py}"\nversion = "2.${
            r.int(0, 30)
          }.0"\nfiles = [\n    {file = "${p.py}-2.0.0-py3-none-any.whl", hash = "sha256:${
            r.hex(64)
          }"},\n    {file = "${p.py}-2.0.0.tar.gz", hash = "sha256:${r.hex(64)}"},\n]\n`
        ).join("\n"),
    ],
    [
      "go.sum",
      "text/plain",
      () =>
        Array.from(
          { length: 12 },
          (_, k) =>
            `golang.org/x/mod${k} v0.${k}.0 h1:${
              b64(r.bytes(32))
            }\ngolang.org/x/mod${k} v0.${k}.0/go.mod h1:${b64(r.bytes(32))}`,
        ).join("\n") + "\n",
    ],
    [
      "Gemfile.lock",
      "text/plain",
      () =>
        "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.1.8)\n    rails (8.0.1)\n\nCHECKSUMS\n" +
        ["rack", "rails", "puma", "nokogiri"].map((g) => `  ${g} (1.0.0) sha256=${r.hex(64)}`).join(
          "\n",
        ) + "\n\nBUNDLED WITH\n   2.6.2\n",
    ],
    ["composer.lock", "application/json", () =>
      JSON.stringify(
        {
          "content-hash": r.hex(32),
          packages: ["monolog/monolog", "symfony/console"].map((n) => ({
            name: n,
            version: "3.8.0",
            source: { type: "git", url: `https://github.com/${n}.git`, reference: r.hex(40) },
            dist: { type: "zip", shasum: "", reference: r.hex(40) },
          })),
        },
        null,
        4,
      )],
    ["deno.lock", "application/json", () =>
      JSON.stringify(
        {
          version: "4",
          specifiers: { "npm:zod@3.24.1": "3.24.1" },
          npm: { "zod@3.24.1": { integrity: integrity(r) } },
          remote: Object.fromEntries(
            Array.from(
              { length: 5 },
              (_, k) => [`https://esm.sh/@std/path@1.0.8/mod${k}.ts`, r.hex(64)],
            ),
          ),
        },
        null,
        2,
      )],
    [
      "uv.lock",
      "text/plain",
      () =>
        PACKAGES.map((p) =>
          `[[package]]\nname = "${p.py}"\nversion = "1.0.0"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [\n    { url = "https://files.pythonhosted.org/packages/${
            r.hex(2)
          }/${r.hex(2)}/${r.hex(60)}/${p.py}-1.0.0-py3-none-any.whl", hash = "sha256:${
            r.hex(64)
          }", size = ${r.int(1000, 99999)} },\n]\n`
        ).join("\n"),
    ],
  ];
  for (let i = 0; i < 30; i++) {
    const [name, type, make] = shapes[i % shapes.length]!;
    b.add(name, { host: "git.corpus.test", target: `/raw/acme/app${i}/main/${name}` }, {
      contentType: type,
      body: make(),
    });
  }
  return b.cases;
}
