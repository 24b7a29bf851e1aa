// Importing IdP metadata on the Identity providers screen, against the real server: a vendor-shaped file through
// the picker and by drag-and-drop, a URL served by a local http server, an aggregate with a searchable pick list,
// and bad input that must leave the existing profiles untouched.
import { generate } from 'selfsigned';
import { expect, test } from './fixtures.ts';
import { aggregateXml, IdpsPage, idpMetadataFile, labCertificates, startMetadataServer, type IdpMetadataOptions } from './pages/idps-page.ts';

test.describe('IdP import', () => {
  test('a vendor-shaped metadata file chosen with the picker: what was understood is shown', async ({ page, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const certs = await labCertificates(request, baseURL ?? '');
    const entityId = 'http://www.okta.com/exk1e2e3picker';
    // BOM, a comment before the root, default namespace, mdui name, two signing certs (a rollover), POST-only SSO.
    const file = idpMetadataFile({
      entityId,
      displayName: 'Okta (picker)',
      signingCerts: [certs.demo, certs.sp],
      redirectUrl: null,
      postUrl: 'https://example.okta.com/app/e2e/sso/saml',
      wantAuthnRequestsSigned: true,
    });

    await idps.open();
    await idps.startImport('file');
    await expect(page.getByTestId('idp-dropzone')).toContainText('Drop a metadata .xml file here');
    await idps.chooseFile('okta-metadata.xml', file);
    await idps.expectImported(entityId);
    await expect(page.getByTestId('idp-name')).toHaveText('Okta (picker)');

    // What the parser understood, per field.
    await expect(page.getByTestId('idp-sso-post')).toContainText('https://example.okta.com/app/e2e/sso/saml');
    await expect(page.getByTestId('idp-sso-redirect')).toHaveAttribute('data-offered', 'false');
    await expect(page.getByTestId('idp-sso-redirect')).toContainText('not offered');
    await expect(page.getByTestId('idp-want-signed')).toHaveAttribute('data-value', 'true');
    await expect(page.getByTestId('idp-nameid-formats')).toContainText('emailAddress');
    await expect(page.getByTestId('idp-nameid-formats')).toContainText('persistent');
    await expect(idps.certs).toHaveCount(2);
    await expect(idps.certs.first()).toHaveAttribute('data-use', 'signing');
    await expect(idps.certs.first()).toHaveAttribute('data-state', 'valid');
    expect((await idps.fingerprints()).every((f) => /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/i.test(f))).toBe(true);
    await expect(page.getByTestId('idp-certs')).toContainText('2 signing certificates');
    await expect(page.getByTestId('idp-source')).toContainText('A file or pasted XML');
    // "auto" resolves to POST (no Redirect endpoint) and signed (WantAuthnRequestsSigned).
    await expect(page.getByTestId('idp-login-effective')).toHaveAttribute('data-binding', 'post');
    await expect(page.getByTestId('idp-login-effective')).toHaveAttribute('data-signed', 'true');
    await expect(page.getByTestId('idp-binding-redirect')).toBeDisabled();
    await idps.screenshot('idps-01-file-imported');
  });

  test('expired and soon-expiring certificates are warned about on the profile and in the list', async ({ page }) => {
    const idps = new IdpsPage(page);
    const day = 86_400_000;
    const certOf = async (cn: string, from: number, to: number): Promise<string> => {
      const { cert } = await generate([{ name: 'commonName', value: cn }], { notBeforeDate: new Date(Date.now() + from * day), notAfterDate: new Date(Date.now() + to * day) });
      return cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    };
    const entityId = 'https://idp.expiring.example/';
    const file = idpMetadataFile({
      entityId,
      displayName: 'Expiring IdP',
      signingCerts: [await certOf('Expired signing', -400, -5), await certOf('Expiring signing', -300, 10)],
    });
    await idps.open('add');
    await idps.chooseFile('expiring.xml', file);
    await idps.expectImported(entityId);
    await expect(idps.certs.filter({ hasText: 'Expired signing' })).toHaveAttribute('data-state', 'expired');
    await expect(idps.certs.filter({ hasText: 'Expiring signing' })).toHaveAttribute('data-state', 'expiring');
    await expect(page.getByTestId('idp-warnings')).toBeVisible();
    await expect(idps.warnings.filter({ hasText: /expired/i })).toHaveCount(1);
    await expect(idps.warnings.filter({ hasText: /expires|expiring/i })).not.toHaveCount(0);
    await expect(idps.row(entityId).getByTestId('idp-row-warnings')).toBeVisible();
    await idps.screenshot('idps-09-expiring-certs');
  });

  test('a metadata file dropped onto the screen is imported', async ({ page, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const certs = await labCertificates(request, baseURL ?? '');
    const entityId = 'https://sts.windows.net/e2e-drop-tenant/';
    await idps.open();
    // Dropped on the profile view (not the import form): the screen switches to the import and takes the file.
    await idps.dropFile('FederationMetadata.xml', idpMetadataFile({ entityId, displayName: 'Entra ID (dropped)', signingCerts: [certs.sp] }));
    await idps.expectImported(entityId);
    await expect(page.getByTestId('idp-name')).toHaveText('Entra ID (dropped)');
    await expect(idps.rows).toHaveCount(2);

    // Dropping onto the import form's drop zone works the same; re-importing the same entity with another signing key
    // asks first (the keys the lab trusts change only with a yes), then updates its profile.
    await idps.startImport('file');
    await idps.dropFile('again.xml', idpMetadataFile({ entityId, displayName: 'Entra ID (dropped)', signingCerts: [certs.demo] }), page.getByTestId('idp-dropzone'));
    await expect(page.getByTestId('trust-change-added-cert')).toHaveCount(1);
    await page.getByTestId('trust-change-confirm').click();
    await expect(idps.notice).toContainText('Updated');
    await expect(idps.rows).toHaveCount(2);
  });

  test('from a URL on a local server; an HTML page at the URL shows the error under the URL field', async ({ page, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const certs = await labCertificates(request, baseURL ?? '');
    const entityId = 'https://keycloak.e2e.test/realms/lab';
    const server = await startMetadataServer({
      '/realms/lab/protocol/saml/descriptor': idpMetadataFile({ entityId, displayName: 'Keycloak (URL)', signingCerts: [certs.demo] }),
      '/login': '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Sign in</form></body></html>',
    });
    try {
      await idps.open();
      await idps.startImport('url');

      await idps.importUrl(server.url('/login'));
      await expect(idps.importError).toContainText('That URL did not give SAML metadata');
      await expect(idps.importError).toContainText('HTML page');
      await expect(page.locator('[data-source="url"]')).toContainText('Nothing was imported');
      await expect(page.getByTestId('idp-import-url')).toHaveAttribute('aria-invalid', 'true');
      await expect(idps.rows).toHaveCount(1);
      await idps.screenshot('idps-02-url-html-error');

      await expect(page.getByTestId('idp-import-url-http')).toBeVisible();
      await idps.importUrl(server.url('/realms/lab/protocol/saml/descriptor'));
      await idps.expectImported(entityId);
      await expect(page.getByTestId('idp-source-url')).toHaveText(server.url('/realms/lab/protocol/saml/descriptor'));
      // Plain http is allowed, and said loudly.
      await expect(idps.warnings.filter({ hasText: 'plain http' })).toHaveCount(1);
      await expect(idps.row(entityId).getByTestId('idp-row-warnings')).toBeVisible();
      await expect(idps.detail.getByTestId('idp-refresh')).toBeVisible();
      await idps.screenshot('idps-03-url-imported');
    } finally {
      await server.close();
    }
  });

  test('an aggregate lists its IdPs with search; the picked one is imported', async ({ page, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const certs = await labCertificates(request, baseURL ?? '');
    const entities: IdpMetadataOptions[] = Array.from({ length: 3000 }, (_, i) => ({
      entityId: `https://idp${i}.university${i % 97}.example.edu/idp/shibboleth`,
      displayName: `University ${i} Login`,
      signingCerts: [certs.demo],
    }));
    const xml = aggregateXml('urn:mace:e2e-federation', entities);

    await idps.open();
    await idps.startImport('file');
    await idps.chooseFile('federation-metadata.xml', xml);
    await expect(idps.aggregate).toBeVisible();
    await expect(idps.aggregate).toHaveAttribute('data-idp-count', '3000');
    await expect(idps.aggregateCount).toContainText('3,000 IdPs');
    // Only what is in view is rendered, not 3,000 rows.
    expect(await idps.aggregateOptions.count()).toBeLessThan(30);

    await idps.aggregateSearch.fill('university 2345');
    await expect(idps.aggregateCount).toHaveAttribute('data-match-count', '1');
    await expect(idps.aggregateOptions).toHaveCount(1);
    await idps.aggregateSearch.fill('university42.example');
    await expect(idps.aggregateCount).toContainText('of 3,000 IdPs match');
    await idps.aggregateSearch.fill('idp1234.');
    await expect(idps.aggregateOptions).toHaveCount(1);
    await idps.aggregateSearch.fill('no such idp anywhere');
    await expect(page.getByTestId('idp-aggregate-none')).toBeVisible();

    // Keyboard: search, arrow down to the second match, Enter imports it.
    await idps.aggregateSearch.fill('University 77');
    await expect(idps.aggregateOptions.first()).toHaveAttribute('aria-selected', 'true');
    await idps.screenshot('idps-04-aggregate-search');
    const second = (await idps.aggregateOptions.nth(1).getAttribute('data-entity-id')) ?? '';
    await idps.aggregateSearch.press('ArrowDown');
    await expect(idps.aggregateOptions.nth(1)).toHaveAttribute('aria-selected', 'true');
    await idps.aggregateSearch.press('Enter');
    await idps.expectImported(second);
    await expect(idps.rows).toHaveCount(2);
  });

  test('an aggregate at a URL: the IdPs are listed and the picked one is fetched again and imported', async ({ page, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const certs = await labCertificates(request, baseURL ?? '');
    const server = await startMetadataServer({
      '/federation.xml': aggregateXml('urn:e2e:url-federation', [1, 2, 3].map((i) => ({ entityId: `https://idp${i}.url-fed.example/`, displayName: `URL Fed IdP ${i}`, signingCerts: [certs.demo] }))),
    });
    try {
      await idps.open('add');
      await page.getByTestId('idp-import-tab-url').click();
      await idps.importUrl(server.url('/federation.xml'));
      await expect(idps.aggregate).toHaveAttribute('data-idp-count', '3');
      await idps.aggregateSearch.fill('IdP 2');
      await expect(idps.aggregateOptions).toHaveCount(1);
      await page.getByTestId('idp-aggregate-import').click();
      await idps.expectImported('https://idp2.url-fed.example/');
      await expect(page.getByTestId('idp-source-url')).toHaveText(server.url('/federation.xml'));
      expect(server.hits('/federation.xml')).toBe(2);
    } finally {
      await server.close();
    }
  });

  test('bad input: the core says what is wrong where it was given; nothing is imported, existing profiles untouched', async ({ page, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const certs = await labCertificates(request, baseURL ?? '');
    const good = idpMetadataFile({ entityId: 'https://idp.keep.example/', displayName: 'Keep me', signingCerts: [certs.demo] });
    const spMetadata = await (await request.get(new URL('/saml/metadata', baseURL).toString())).text();

    await idps.open();
    await idps.startImport('file');
    await idps.chooseFile('keep.xml', good);
    await idps.expectImported('https://idp.keep.example/');
    const before = await request.post(new URL('/api/idps.list', baseURL).toString(), { data: {} }).then((r) => r.json());

    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'), Buffer.alloc(64, 7)]);
    const cases: { file: string; content: string | Buffer; says: RegExp }[] = [
      { file: 'truncated.xml', content: good.slice(0, Math.floor(good.length * 0.6)), says: /truncated|not well-formed/i },
      { file: 'login.xml', content: '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Sign in</body></html>', says: /HTML page/ },
      { file: 'metadata.xml', content: pdf, says: /PDF/ },
      {
        file: 'no-idp.xml',
        content: '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://aa.example/"><AttributeAuthorityDescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></EntityDescriptor>',
        says: /no IDPSSODescriptor/,
      },
      { file: 'sp-metadata.xml', content: spMetadata, says: /service provider's metadata/ },
    ];
    await idps.startImport('file');
    for (const c of cases) {
      await idps.chooseFile(c.file, c.content);
      await expect(idps.importError, c.file).toContainText(c.says);
      await expect(page.locator('[data-source="file"]'), c.file).toContainText('Nothing was imported');
      await expect(page.getByTestId('idp-import-file-name')).toContainText(c.file);
      if (c.file === 'sp-metadata.xml') await idps.screenshot('idps-05-bad-file');
    }
    // The same through the editor: the error sits under it.
    await page.getByTestId('idp-import-tab-paste').click();
    await idps.pasteXml(spMetadata);
    await idps.submitPaste();
    await expect(idps.importError).toContainText(/service provider's metadata/);
    await expect(page.locator('[data-source="paste"]')).toBeVisible();

    await expect(idps.rows).toHaveCount(2);
    const after = await request.post(new URL('/api/idps.list', baseURL).toString(), { data: {} }).then((r) => r.json());
    expect(after).toEqual(before);
  });
});
