/** The per-bottle CA object and leaf minting. */
import { parseHost } from "./_host.ts";
import { checkCaValidity } from "./_validity.ts";
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

/** Leaves live at most 30 days: long enough for any bottle session, short if one ever leaks. */
const LEAF_MAX_VALIDITY_MS = 30 * DAY_MS;
/** X.520 caps commonName at 64 characters; longer hosts are named in the SAN only. */
const MAX_COMMON_NAME = 64;

/** What a {@link CertificateAuthority} is built from. */
export interface CaMaterial {
  /** The CA certificate, PEM. */
  certPem: string;
  /** The CA private key, imported for ECDSA P-256 signing. */
  signingKey: CryptoKey;
  /** Where the certificate lives, named in errors. */
  certFile: string;
}

/** Options of {@link CertificateAuthority.issueLeaf}. */
export interface IssueLeafOptions {
  /** The issuing time; defaults to the current time. */
  now?: Date;
}

/** A freshly minted leaf certificate and its private key. */
export interface IssuedLeaf {
  /** The name it was issued for, canonical (every spelling of a host gets the same). */
  name: string;
  /** The leaf certificate, PEM. */
  certPem: string;
  /** The leaf's own private key, PKCS#8 PEM. */
  keyPem: string;
  /** When the leaf stops being valid. */
  notAfter: Date;
}

/**
 * A CA that mints leaf certificates for intercepted hosts. Obtain one from `loadOrCreateCa()`,
 * which validates the material; the constructor trusts its input.
 *
 * Every leaf gets its own P-256 key. Reusing one key for all leaves (as mitmproxy does) would
 * save about 0.3 ms of a ~5 ms mint, but one leaked leaf key would then impersonate every host
 * this CA has issued for, instead of one.
 */
export class CertificateAuthority {
  /** The CA certificate, PEM; the certificate clients trust. */
  readonly certPem: string;
  /** When the CA expires; no leaf outlives it. */
  readonly notAfter: Date;
  readonly #cert: x509.X509Certificate;
  readonly #signingKey: CryptoKey;
  readonly #certFile: string;

  /** @param material The validated CA certificate and key. */
  constructor(material: CaMaterial) {
    this.certPem = material.certPem;
    this.#cert = new x509.X509Certificate(material.certPem);
    this.notAfter = this.#cert.notAfter;
    this.#signingKey = material.signingKey;
    this.#certFile = material.certFile;
  }

  /**
   * Mint a leaf certificate for one host: subject CN and SAN name the host, extended key usage
   * serverAuth, backdated one hour for clock skew, valid at most 30 days and never past the CA.
   *
   * @param host A DNS name or an IP literal (IPv6 without brackets); case is ignored.
   * @param options The issuing time.
   * @returns The leaf certificate, its key and its expiry.
   * @throws {TypeError} When the host is neither a DNS name nor an IP literal.
   * @throws {CaFileError} When the CA itself is expired or not yet valid at the issuing time.
   */
  async issueLeaf(host: string, options: IssueLeafOptions = {}): Promise<IssuedLeaf> {
    const { type, name } = parseHost(host);
    const now = options.now ?? new Date();
    checkCaValidity(this.#cert, now, this.#certFile);
    const notBefore = Math.max(now.getTime() - CLOCK_SKEW_MS, this.#cert.notBefore.getTime());
    const notAfter = new Date(
      Math.min(now.getTime() + LEAF_MAX_VALIDITY_MS, this.#cert.notAfter.getTime()),
    );
    const keys = await generateKeyPair();
    const hasCommonName = name.length <= MAX_COMMON_NAME;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: hasCommonName ? [{ CN: [name] }] : [],
      issuer: this.#cert.subjectName,
      notBefore: new Date(notBefore),
      notAfter,
      publicKey: keys.publicKey,
      signingKey: this.#signingKey,
      signingAlgorithm: EC_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        // RFC 5280 §4.2.1.6: a certificate with an empty subject must mark its SAN critical.
        new x509.SubjectAlternativeNameExtension([{ type, value: name }], !hasCommonName),
        new x509.AuthorityKeyIdentifierExtension(await this.#keyId()),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return {
      name,
      certPem: `${cert.toString("pem")}\n`,
      keyPem: `${await privateKeyPem(keys.privateKey)}\n`,
      // As encoded: the certificate keeps whole seconds only.
      notAfter: cert.notAfter,
    };
  }

  /**
   * The CA's key identifier. Clients find the issuer by matching a leaf's AKI to the CA's SKI, so
   * the AKI must copy the SKI as written, not a recomputed hash (a CA made by another tool may
   * use a different SKI method).
   */
  async #keyId(): Promise<string> {
    const ski = this.#cert.getExtension(x509.SubjectKeyIdentifierExtension);
    if (ski) return ski.keyId;
    return toHex(await this.#cert.publicKey.getKeyIdentifier());
  }
}
