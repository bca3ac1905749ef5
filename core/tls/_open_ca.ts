/** Validation of existing CA files: every check names the file at fault and never repairs it. */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { dirname } from "node:path";
import { CaFileError } from "./ca_file_error.ts";
import { CertificateAuthority } from "./certificate_authority.ts";
import type { CaFileText, CaPaths } from "./_ca_files.ts";
import { checkCaValidity } from "./_validity.ts";
import { EC_ALGORITHM, x509 } from "./_x509.ts";

/** The CA's files as read from disk; either may be missing. */
export interface CaFiles {
  /** Content of `ca.pem`, if present. */
  readonly cert: CaFileText | undefined;
  /** Content of `ca-key.pem`, if present. */
  readonly key: CaFileText | undefined;
}

/**
 * Validate a CA's files and build the CA from them.
 *
 * @param paths Where the files live.
 * @param files Their content.
 * @param now The time the certificate must be valid at.
 * @returns The CA.
 * @throws {CaFileError} On any problem, naming the file at fault.
 */
export async function openCa(
  paths: CaPaths,
  files: CaFiles,
  now: Date,
): Promise<CertificateAuthority> {
  const fresh = `delete "${dirname(paths.cert)}" to mint a new CA, which agents must then trust`;
  if (files.cert === undefined || files.key === undefined) {
    const file = files.cert === undefined ? paths.cert : paths.key;
    throw new CaFileError(`missing while its pair exists (restore it, or ${fresh})`, {
      file,
      problem: "incomplete",
    });
  }
  // Checked first: a key readable by others is exposed whatever else is wrong.
  if (files.key.mode !== null && (files.key.mode & 0o077) !== 0) {
    const mode = (files.key.mode & 0o777).toString(8).padStart(4, "0");
    throw new CaFileError(
      `private key is accessible to group or others (mode ${mode}); run chmod 600 on it, or ${fresh}`,
      { file: paths.key, problem: "insecure-permissions" },
    );
  }
  const cert = parseCaCert(files.cert.text, paths.cert);
  const key = parseKey(files.key.text, paths.key);
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  if (!spki.equals(new Uint8Array(cert.publicKey.rawData))) {
    throw new CaFileError(`private key does not match "${paths.cert}" (${fresh})`, {
      file: paths.key,
      problem: "key-mismatch",
    });
  }
  checkCaValidity(cert, now, paths.cert);
  const pkcs8 = new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
  // Imported non-extractable: nothing holding the CA object can export the key again.
  const signingKey = await crypto.subtle.importKey("pkcs8", pkcs8, EC_ALGORITHM, false, ["sign"]);
  return new CertificateAuthority({ certPem: files.cert.text, signingKey, certFile: paths.cert });
}

function parseCaCert(text: string, file: string): x509.X509Certificate {
  const blocks = x509.PemConverter.decode(text);
  const [der] = blocks;
  if (blocks.length !== 1 || der === undefined) {
    throw new CaFileError(`expected exactly one PEM certificate, found ${blocks.length}`, {
      file,
      problem: "malformed",
    });
  }
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(der);
  } catch (err) {
    throw new CaFileError("not a valid X.509 certificate", {
      file,
      problem: "malformed",
      cause: err,
    });
  }
  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  if (!constraints?.ca || (usage && !(usage.usages & x509.KeyUsageFlags.keyCertSign))) {
    throw new CaFileError("not a CA certificate (needs basicConstraints CA:TRUE and keyCertSign)", {
      file,
      problem: "not-ca",
    });
  }
  return cert;
}

function parseKey(text: string, file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (err) {
    throw new CaFileError("not an unencrypted PEM private key", {
      file,
      problem: "malformed",
      cause: err,
    });
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== "ec" || curve !== "prime256v1") {
    const found = key.asymmetricKeyType === "ec" ? `EC ${curve}` : key.asymmetricKeyType;
    throw new CaFileError(`private key must be ECDSA P-256, found ${found}`, {
      file,
      problem: "unsupported-key",
    });
  }
  return key;
}
