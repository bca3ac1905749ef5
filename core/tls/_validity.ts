/** The validity-window check shared by loading a CA and issuing from it. */
import { dirname } from "node:path";
import { CaFileError } from "./ca_file_error.ts";
import type { x509 } from "./_x509.ts";

/**
 * Refuse a CA certificate outside its validity window at `now`.
 *
 * @param cert The CA certificate.
 * @param now The time to check against.
 * @param file Path of the certificate, named in the error.
 * @throws {CaFileError} `not-yet-valid` or `expired`.
 */
export function checkCaValidity(cert: x509.X509Certificate, now: Date, file: string): void {
  const renew = `delete "${dirname(file)}" to mint a new CA, which agents must then trust`;
  if (now < cert.notBefore) {
    throw new CaFileError(
      `certificate is not valid before ${cert.notBefore.toISOString()} (check the clock, or ${renew})`,
      { file, problem: "not-yet-valid" },
    );
  }
  if (now > cert.notAfter) {
    throw new CaFileError(`certificate expired at ${cert.notAfter.toISOString()} (${renew})`, {
      file,
      problem: "expired",
    });
  }
}
