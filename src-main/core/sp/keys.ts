// Key pairs kept in the data dir (private key file mode 0600), generated on first run.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface KeyPair {
  privateKeyPem: string;
  certificatePem: string;
}

export async function ensureKeyPair(dataDir: string, name: string, commonName: string): Promise<KeyPair> {
  const dir = join(dataDir, 'keys');
  const keyPath = join(dir, `${name}-key.pem`);
  const certPath = join(dir, `${name}-cert.pem`);
  try {
    const [privateKeyPem, certificatePem] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
    await chmod(keyPath, 0o600);
    return { privateKeyPem, certificatePem };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 10);
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: notAfter,
  });
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  await chmod(keyPath, 0o600);
  await writeFile(certPath, pems.cert, { mode: 0o644 });
  return { privateKeyPem: pems.private, certificatePem: pems.cert };
}
