// A private certificate authority for serving the local stack over HTTPS: made once in a data folder
// (`tls/ca.pem`, its key `tls/ca-key.pem` with mode 0600, which never leaves the folder), and a fresh
// server certificate for 127.0.0.1, ::1 and localhost signed by it at every start. Keys are made with
// Node's crypto; node-forge builds and signs the X.509 certificates, which Node cannot do itself.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface ServerTls {
  /** PEM private key and certificate for https.createServer. */
  key: string;
  cert: string;
  /** The CA's certificate file (clients add it to the authorities they trust). */
  caFile: string;
  /** The CA's certificate, PEM. */
  caCert: string;
}

const DAY_MS = 24 * 3600 * 1000;

export function localServerTls(
  dataDir: string,
  hosts: { dns: string[]; ips: string[] } = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] },
): ServerTls {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = loadOrCreateCa(dir);
  const keys = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 365 * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: hosts.dns[0] ?? hosts.ips[0] ?? 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...hosts.dns.map((value) => ({ type: 2, value })), ...hosts.ips.map((ip) => ({ type: 7, ip }))],
    },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  const key = forge.pki.privateKeyToPem(keys.privateKey);
  const certPem = forge.pki.certificateToPem(cert);
  writeSecret(join(dir, 'server-key.pem'), key);
  writeFileSync(join(dir, 'server.pem'), certPem, { mode: 0o644 });
  return { key, cert: certPem, caFile: join(dir, 'ca.pem'), caCert: forge.pki.certificateToPem(ca.cert) };
}

function loadOrCreateCa(dir: string): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca-key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = forge.pki.certificateFromPem(readFileSync(certFile, 'utf8'));
    if (cert.validity.notAfter.getTime() > Date.now() + 30 * DAY_MS) {
      return { cert, key: forge.pki.privateKeyFromPem(readFileSync(keyFile, 'utf8')) as forge.pki.rsa.PrivateKey };
    }
  }
  const keys = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * DAY_MS);
  const name = [
    { name: 'commonName', value: 'Hoist local stack CA' },
    { name: 'organizationName', value: 'Hoist (local testing only)' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  writeSecret(keyFile, forge.pki.privateKeyToPem(keys.privateKey));
  writeFileSync(certFile, forge.pki.certificateToPem(cert), { mode: 0o644 });
  return { cert, key: keys.privateKey };
}

/** RSA keys from Node's crypto (fast, native), handed to forge for signing. */
function rsaKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  ) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

/** A positive serial number (the high bit clear), as hex. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString('hex');
}

function writeSecret(file: string, pem: string): void {
  writeFileSync(file, pem, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its old mode otherwise
}
