// The npm package `saml-idp` (Karl McGuinness's test IdP, Express + samlp) as a child process on a free loopback
// port, with a generated key pair and user profile. Its ACS URL is set through its own settings page once the lab
// (port 0) is up, as a person would.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { LoopbackBrowser } from './browser.ts';
import { freePort, startServer, stopProcess } from './processes.ts';

const requireCjs = createRequire(import.meta.url);

export interface SamlIdpUser {
  userName: string;
  nameIdFormat: string;
  firstName: string;
  lastName: string;
  displayName: string;
  email: string;
  groups: string;
}

export interface SamlIdp {
  baseUrl: string;
  entityId: string;
  metadataXml: string;
  /** Where an IdP-initiated login starts: the user page with its "Sign In" form. */
  homeUrl: string;
  setAcsUrl(acsUrl: string): Promise<void>;
  /** The SP's Single Logout URL (only with `slo: true` at start, which makes the metadata list saml-idp's /saml/slo). */
  setSloUrl(sloUrl: string): Promise<void>;
  close(): Promise<void>;
}

/** Why saml-idp cannot run here, or null when it can. */
export function samlIdpUnavailable(): string | null {
  try {
    requireCjs.resolve('saml-idp/bin/run.js');
    requireCjs.resolve('samlp');
    return null;
  } catch {
    return 'the npm package saml-idp (or samlp) is not installed: npm install --save-dev saml-idp samlp';
  }
}

export async function startSamlIdp(options: { spEntityId: string; user: SamlIdpUser; slo?: boolean }): Promise<SamlIdp> {
  const dir = await mkdtemp(join(tmpdir(), 'jitlab-saml-idp-'));
  try {
    const pems = await generate([{ name: 'commonName', value: 'saml-idp interop IdP' }], { keySize: 2048, algorithm: 'sha256' });
    await writeFile(join(dir, 'idp-public-cert.pem'), pems.cert);
    await writeFile(join(dir, 'idp-private-key.pem'), pems.private, { mode: 0o600 });
    const attribute = (id: string, displayName: string, multiValue = false): string =>
      `{ id: ${JSON.stringify(id)}, optional: false, displayName: ${JSON.stringify(displayName)}, description: '', multiValue: ${multiValue} }`;
    await writeFile(
      join(dir, 'config.cjs'),
      `module.exports = {\n  user: ${JSON.stringify(options.user)},\n  metadata: [${[attribute('firstName', 'First Name'), attribute('lastName', 'Last Name'), attribute('displayName', 'Display Name'), attribute('email', 'E-Mail Address'), attribute('groups', 'Groups', true)].join(', ')}],\n};\n`,
    );
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const entityId = `urn:saml-jit-lab:interop:saml-idp:${port}`;
    const { child, output, body: metadataXml } = await startServer(
      process.execPath,
      [
        requireCjs.resolve('saml-idp/bin/run.js'),
        '--host', '127.0.0.1',
        '--port', String(port),
        '--cert', join(dir, 'idp-public-cert.pem'),
        '--key', join(dir, 'idp-private-key.pem'),
        '--issuer', entityId,
        // Required at start; replaced by the lab's real ACS through the settings page.
        '--acsUrl', 'http://127.0.0.1:9/not-set-yet',
        '--audience', options.spEntityId,
        '--configFile', join(dir, 'config.cjs'),
        // Single Logout: the SP's SLO URL must be set at start for the metadata to list saml-idp's own SLO endpoint.
        ...(options.slo ? ['--sloUrl', 'http://127.0.0.1:9/not-set-yet'] : []),
      ],
      { cwd: dir, env: { ...process.env, FORCE_COLOR: '0' } },
      `${baseUrl}/metadata`,
      (status, body) => status === 200 && body.includes('IDPSSODescriptor'),
    );
    return {
      baseUrl,
      entityId,
      metadataXml,
      homeUrl: `${baseUrl}/`,
      async setAcsUrl(acsUrl) {
        // The settings form updates the running IdP's options (the ACS for IdP-initiated logins, Recipient, Destination).
        const page = await new LoopbackBrowser().open(`${baseUrl}/settings`, { acsUrl, recipient: acsUrl, destination: acsUrl });
        if (page.status !== 200) throw new Error(`saml-idp settings update failed: HTTP ${page.status}\n${output()}`);
      },
      async setSloUrl(sloUrl) {
        const page = await new LoopbackBrowser().open(`${baseUrl}/settings`, { sloUrl });
        if (page.status !== 200) throw new Error(`saml-idp settings update failed: HTTP ${page.status}\n${output()}`);
      },
      async close() {
        await stopProcess(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
