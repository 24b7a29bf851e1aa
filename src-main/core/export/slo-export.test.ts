// Exports carry the Single Logout settings where the target stack can express them: node-saml's logoutUrl and
// logoutCallbackUrl, SimpleSAMLphp's SingleLogoutService of the remote IdP.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestLab, type TestLab } from './export-test-support.ts';

let t: TestLab | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

interface ConfigExport {
  files: { fileName: string; content: string }[];
}

describe('SLO settings in the stack exports', () => {
  it('node-saml gets logoutUrl (the IdP SLO, Redirect) and logoutCallbackUrl (the SP SLO); SimpleSAMLphp the remote IdP SingleLogoutService', async () => {
    t = await startTestLab();
    const node = await t.call<ConfigExport>('configs.export', { target: 'node-saml' });
    const options = JSON.parse(node.files.find((f) => f.fileName.endsWith('.json'))!.content) as Record<string, unknown>;
    expect(options.logoutUrl).toBe(`${t.lab.url}/demo-idp/slo`);
    expect(options.logoutCallbackUrl).toBe(`${t.lab.url}/saml/slo`);
    const ssp = await t.call<ConfigExport>('configs.export', { target: 'simplesamlphp' });
    const remote = ssp.files.find((f) => f.fileName === 'saml20-idp-remote.php')!.content;
    expect(remote).toMatch(/'SingleLogoutService' => \[\s*\['Binding' => 'urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-Redirect', 'Location' => '[^']*\/demo-idp\/slo'\]/);
  });
});
