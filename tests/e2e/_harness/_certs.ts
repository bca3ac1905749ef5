/**
 * A throwaway "public" CA and one server certificate for the test internet's hosts, made with
 * the host's openssl. Egress trusts the CA through BOT_BOTTLE_EGRESS_UPSTREAM_CA, so upstream
 * verification inside the bottle is as real as it is on the internet.
 */
import { join } from "node:path";
import { runProgram } from "./_docker.ts";

/** Files of the test CA and the upstream's certificate. */
export interface TestCerts {
  /** CA certificate (PEM), what egress trusts. */
  caFile: string;
  /** Server certificate (PEM) for every host in `hosts`. */
  certFile: string;
  /** Its private key (PEM). */
  keyFile: string;
}

/**
 * Mint the CA and a server certificate naming every host (ECDSA P-256, valid 2 days).
 *
 * @param dir Directory to write into (exists).
 * @param hosts DNS names for the certificate's SAN.
 * @returns The file paths.
 * @throws {Error} With openssl's message when a step fails.
 */
export async function mintTestCerts(dir: string, hosts: readonly string[]): Promise<TestCerts> {
  const caFile = join(dir, "ca.pem");
  const caKey = join(dir, "ca-key.pem");
  const certFile = join(dir, "server.pem");
  const keyFile = join(dir, "server-key.pem");
  const csr = join(dir, "server.csr");
  const ext = join(dir, "server.ext");
  await Deno.writeTextFile(
    ext,
    [
      `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(",")}`,
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    caKey,
    "-out",
    caFile,
    "-days",
    "2",
    "-subj",
    "/CN=bot-bottle e2e test internet CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await openssl(["req", ...ec, "-keyout", keyFile, "-out", csr, "-subj", `/CN=${hosts[0]}`]);
  await openssl([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    caFile,
    "-CAkey",
    caKey,
    "-set_serial",
    `0x${crypto.randomUUID().replaceAll("-", "")}`,
    "-days",
    "2",
    "-extfile",
    ext,
    "-out",
    certFile,
  ]);
  // The containers that read them run as root, but keep keys private on a shared host anyway.
  await Deno.chmod(caKey, 0o600);
  return { caFile, certFile, keyFile };
}

async function openssl(args: string[]): Promise<void> {
  const result = await runProgram("openssl", args);
  if (result.code !== 0) {
    throw new Error(`openssl ${args[0]} failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
}
