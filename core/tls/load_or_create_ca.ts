/** Load the per-bottle CA from its directory, or mint it there on first use. */
import { type CaPaths, caPaths, publishNewFiles, readCaFile } from "./_ca_files.ts";
import type { CertificateAuthority } from "./certificate_authority.ts";
import { type CaFiles, openCa } from "./_open_ca.ts";
import {
  CLOCK_SKEW_MS,
  DAY_MS,
  EC_ALGORITHM,
  generateKeyPair,
  privateKeyPem,
  randomSerial,
  toHex,
  x509,
} from "./_x509.ts";

/** Options of {@link loadOrCreateCa}. */
export interface LoadOrCreateCaOptions {
  /** Subject CN of a new CA; defaults to "bot-bottle egress CA" plus a random suffix. */
  commonName?: string;
  /** Lifetime of a new CA in days (default 30); an existing CA keeps its own. */
  validityDays?: number;
  /** The current time: a new CA starts here, an existing one must be valid here. */
  now?: Date;
}

/**
 * A new CA lives 30 days. A bottle is ephemeral and its CA is minted with its state directory,
 * so a month covers any real session; if the key ever leaks (it sits in the host's state
 * directory and in the sidecar), every copy of `ca.pem` that an agent image or a user trusted
 * stops being useful to an attacker within weeks, not years.
 */
const DEFAULT_VALIDITY_DAYS = 30;
/** A per-bottle CA trusted for over a year defeats its purpose; 398 days is the browsers' leaf cap. */
const MAX_VALIDITY_DAYS = 398;
/** How long a caller that finds a key alone waits for its certificate to be published. */
const PUBLISH_WAIT_MS = 1000;

/**
 * Load the CA in `dir` (`ca.pem` + `ca-key.pem`), or create `dir` (mode 0700) and mint a new
 * ECDSA P-256 CA there. An existing CA is validated and never regenerated: if anything is wrong
 * the call throws and leaves both files untouched, because agents may already trust it.
 *
 * @param dir The CA directory, e.g. the bottle's egress state directory.
 * @param options Subject, lifetime and clock for a new CA.
 * @returns The CA.
 * @throws {CaFileError} When an existing file is unreadable, malformed, not a CA, not P-256,
 *   mismatched, expired, not yet valid, alone without its pair, or a key readable by others.
 * @throws {RangeError} When `validityDays` or `commonName` is out of range.
 */
export async function loadOrCreateCa(
  dir: string,
  options: LoadOrCreateCaOptions = {},
): Promise<CertificateAuthority> {
  const validityDays = options.validityDays ?? DEFAULT_VALIDITY_DAYS;
  if (!Number.isFinite(validityDays) || validityDays <= 0 || validityDays > MAX_VALIDITY_DAYS) {
    throw new RangeError(
      `Cannot create CA: validityDays must be above 0 and at most ${MAX_VALIDITY_DAYS}, got ${validityDays}`,
    );
  }
  const commonName = options.commonName ??
    `bot-bottle egress CA ${toHex(crypto.getRandomValues(new Uint8Array(4)))}`;
  if (commonName.length === 0 || commonName.length > 64) {
    throw new RangeError(
      `Cannot create CA: commonName must be 1 to 64 characters, got ${commonName.length}`,
    );
  }
  const now = options.now ?? new Date();
  const paths = caPaths(dir);
  let files = await readCaFiles(paths);
  if (files.cert === undefined && files.key === undefined) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const { certPem, keyPem } = await mintCa(commonName, validityDays, now);
    // Key first: a certificate on disk always has its key beside it. If another caller got
    // there first, its CA is the one loaded below.
    await publishNewFiles([
      { path: paths.key, text: keyPem, mode: 0o600 },
      { path: paths.cert, text: certPem, mode: 0o644 },
    ]);
    files = await readCaFiles(paths);
  }
  // A key without its certificate is what another caller's CA looks like mid-publication.
  for (let waited = 0; files.cert === undefined && waited < PUBLISH_WAIT_MS; waited += 25) {
    if (files.key === undefined) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
    files = await readCaFiles(paths);
  }
  return await openCa(paths, files, now);
}

async function readCaFiles(paths: CaPaths): Promise<CaFiles> {
  return { cert: await readCaFile(paths.cert), key: await readCaFile(paths.key) };
}

async function mintCa(
  commonName: string,
  validityDays: number,
  now: Date,
): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ O: ["bot-bottle"] }, { CN: [commonName] }],
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + validityDays * DAY_MS),
    keys,
    signingAlgorithm: EC_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      // SHA-1 of the public key, the method every client's issuer lookup expects (RFC 5280).
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: `${cert.toString("pem")}\n`,
    keyPem: `${await privateKeyPem(keys.privateKey)}\n`,
  };
}
