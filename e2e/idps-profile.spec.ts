// One IdP profile on the Identity providers screen, against the real server: rename, delete, refresh from its URL
// showing a changed certificate (the rollover), and SP-initiated login options that the next sign-in uses.
import { expect, test } from './fixtures.ts';
import { IdpsPage, idpMetadataFile, labCertificates, startMetadataServer } from './pages/idps-page.ts';

test.describe('IdP profile', () => {
  test('rename and delete; deleting the active profile falls back to the demo IdP', async ({ app, page, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const certs = await labCertificates(request, baseURL ?? '');
    const entityId = 'https://idp.rename.example/';
    await idps.open('add');
    await idps.chooseFile('idp.xml', idpMetadataFile({ entityId, displayName: 'Before rename', signingCerts: [certs.demo] }));
    await idps.expectImported(entityId);

    await idps.rename('PingOne production');
    await expect(idps.row(entityId)).toContainText('PingOne production');
    // Escape cancels a rename; an empty name is refused with a message.
    await idps.detail.getByTestId('idp-rename').click();
    await page.getByTestId('idp-rename-input').fill('');
    await page.getByTestId('idp-rename-input').press('Enter');
    await expect(page.getByTestId('idp-rename-error')).toHaveText('A profile needs a name.');
    await page.getByTestId('idp-rename-input').press('Escape');
    await expect(page.getByTestId('idp-name')).toHaveText('PingOne production');
    await expect(idps.detail.getByTestId('idp-rename')).toBeFocused();

    await idps.detail.getByTestId('idp-activate').click();
    await expect(app.activeIdp).toHaveText('PingOne production');

    // Delete asks first; Cancel keeps it.
    await idps.detail.getByTestId('idp-remove').click();
    await expect(page.getByTestId('idp-remove-confirm')).toContainText('Delete “PingOne production”?');
    await idps.screenshot('idps-06-confirm-delete');
    await page.getByTestId('idp-remove-confirm-no').click();
    await expect(idps.rows).toHaveCount(2);

    await idps.remove();
    await expect(page.getByTestId('idp-deleted')).toContainText('Deleted “PingOne production”');
    await expect(idps.rows).toHaveCount(1);
    await expect(app.activeIdp).toContainText('Demo IdP');
    await expect(page.getByTestId('idp-name')).toContainText('Demo IdP');
    // The demo IdP cannot be deleted.
    await expect(idps.detail.getByTestId('idp-remove')).toHaveCount(0);
  });

  test('refresh from the URL shows a changed certificate, then "nothing changed"', async ({ page, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const certs = await labCertificates(request, baseURL ?? '');
    const entityId = 'https://adfs.rollover.example/adfs/services/trust';
    const path = '/FederationMetadata/2007-06/FederationMetadata.xml';
    // First request: the old certificate. Later: the new one (the IdP rolled its key) and a moved POST endpoint.
    const server = await startMetadataServer({
      [path]: (n) =>
        idpMetadataFile({
          entityId,
          displayName: 'ADFS (rollover)',
          signingCerts: [n === 1 ? certs.demo : certs.sp],
          postUrl: n === 1 ? 'https://adfs.rollover.example/adfs/ls/' : 'https://adfs2.rollover.example/adfs/ls/',
        }),
    });
    try {
      await idps.open('add');
      await page.getByTestId('idp-import-tab-url').click();
      await idps.importUrl(server.url(path));
      await idps.expectImported(entityId);
      const oldPrints = await idps.fingerprints();
      expect(oldPrints).toHaveLength(1);

      await idps.refresh();
      // A new signing key is trusted only once the person agreed (issue 13.2).
      await page.getByTestId('trust-change-confirm').click();
      await expect(idps.refreshResult).toHaveAttribute('data-change-count', '3');
      await expect(idps.refreshResult).toContainText('The metadata changed');
      const changes = page.getByTestId('idp-refresh-change');
      await expect(changes.filter({ hasText: 'Certificate added' })).toHaveCount(1);
      await expect(changes.filter({ hasText: `Certificate removed (signing): SHA-256 ${oldPrints[0]}` })).toHaveCount(1);
      await expect(changes.filter({ hasText: 'SSO endpoint moved (HTTP-POST)' })).toContainText('https://adfs2.rollover.example/adfs/ls/');
      // The profile now shows the new certificate and endpoint.
      const newPrints = await idps.fingerprints();
      expect(newPrints).toHaveLength(1);
      expect(newPrints[0]).not.toBe(oldPrints[0]);
      await expect(page.getByTestId('idp-sso-post')).toContainText('https://adfs2.rollover.example/adfs/ls/');
      await idps.screenshot('idps-07-refresh-changed');

      await idps.refresh();
      await expect(idps.refreshResult).toHaveAttribute('data-change-count', '0');
      await expect(idps.refreshResult).toContainText('Nothing changed');
      // Import, the refresh refused for its new key, the same refresh confirmed, the last refresh.
      expect(server.hits(path)).toBe(4);
    } finally {
      await server.close();
    }
    // The server is gone: the refresh error is shown by the profile, which keeps its metadata.
    await idps.refresh();
    await expect(page.getByTestId('idp-refresh-error')).toContainText(/Could not fetch|ECONNREFUSED/);
    await expect(page.getByTestId('idp-refresh-failed')).toContainText('keeps its current metadata');
    await expect(page.getByTestId('idp-sso-post')).toContainText('https://adfs2.rollover.example/adfs/ls/');
  });

  test('login options: binding POST is saved and "Sign in with IdP" completes a login through the demo IdP with it', async ({ app, page, demoIdp }) => {
    const idps = new IdpsPage(page);
    await idps.open('demo');
    // The demo IdP offers both bindings: auto resolves to Redirect, unsigned.
    await expect(page.getByTestId('idp-login-effective')).toHaveAttribute('data-binding', 'redirect');
    await expect(page.getByTestId('idp-login-effective')).toHaveAttribute('data-signed', 'false');

    await page.getByTestId('idp-binding-post').check();
    await page.getByTestId('idp-sign-always').check();
    await page.getByTestId('idp-force-authn').check();
    await page.getByTestId('idp-nameid-format').selectOption({ label: 'emailAddress' });
    await page.getByTestId('idp-authn-context-add').selectOption({ label: 'Password over TLS' });
    await page.getByTestId('idp-authn-comparison').selectOption('minimum');
    await page.getByTestId('idp-relay-state').fill('/after-login');
    await expect(page.getByTestId('idp-login-effective')).toHaveAttribute('data-binding', 'post');
    await expect(page.getByTestId('idp-login-effective')).toContainText('enveloped XML signature');
    await expect(page.getByTestId('idp-login-options-status')).toContainText('Unsaved changes');
    await idps.saveLoginOptions();
    await idps.screenshot('idps-08-login-options');

    // Saved in the core, not the page.
    await idps.open('demo');
    await expect(page.getByTestId('idp-binding-post')).toBeChecked();
    await expect(page.getByTestId('idp-sign-always')).toBeChecked();
    await expect(page.getByTestId('idp-force-authn')).toBeChecked();
    await expect(page.getByTestId('idp-authn-context')).toHaveValue('urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport');
    await expect(page.getByTestId('idp-authn-comparison')).toHaveValue('minimum');
    await expect(page.getByTestId('idp-relay-state')).toHaveValue('/after-login');

    // Used: the AuthnRequest reaches the demo IdP as an HTTP-POST, and the login completes.
    const ssoRequest = page.waitForRequest((r) => new URL(r.url()).pathname === '/demo-idp/sso');
    await app.signInButton.click();
    const sent = await ssoRequest;
    expect(sent.method()).toBe('POST');
    const form = new URLSearchParams(sent.postData() ?? '');
    const authnRequest = Buffer.from(form.get('SAMLRequest') ?? '', 'base64').toString('utf8');
    expect(authnRequest).toContain('ForceAuthn="true"');
    expect(authnRequest).toContain('Comparison="minimum"');
    expect(authnRequest).toContain('PasswordProtectedTransport');
    expect(authnRequest).toMatch(/<(ds:)?SignatureValue>/);
    expect(form.get('RelayState')).toBe('/after-login');
    await demoIdp.expectLoaded('alice');
    await demoIdp.signInAs('alice');
    await demoIdp.expectVerdict('accepted');
    const loginId = await demoIdp.goBackToApp();
    await app.expectLoginDetail(loginId);
    await expect(page.getByTestId('login-detail')).toContainText('SP-initiated');
  });
});
