/**
 * The only module that loads `@peculiar/x509`. The library's dependency-injection layer reads
 * `Reflect.getMetadata` while it loads, so `reflect-metadata` must be evaluated first; keeping
 * both imports here makes that order impossible to get wrong elsewhere.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

export { x509 };

/** ECDSA P-256 with SHA-256: small keys, fast signatures, accepted by every TLS client we serve. */
export const EC_ALGORITHM: Readonly<EcKeyGenParams & EcdsaParams> = Object.freeze({
  name: "ECDSA",
  namedCurve: "P-256",
  hash: "SHA-256",
});

/** Generate an extractable ECDSA P-256 key pair (extractable so the private key can be saved). */
export function generateKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_ALGORITHM, true, ["sign", "verify"]);
}

/** Encode a private key as PKCS#8 PEM, the format node:tls, curl and openssl all read. */
export async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

/**
 * A random 128-bit serial number in hex. The library prepends a zero byte when the top bit is
 * set, so the DER INTEGER stays positive and within the 20-octet limit of RFC 5280.
 */
export function randomSerial(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/** Lowercase hex of some bytes, the form the library takes for serials and key identifiers. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** How far certificates are backdated: clients whose clocks lag ours must still accept them. */
export const CLOCK_SKEW_MS = 3_600_000;

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;
