// The IdP panel against the real server: paste metadata into the Monaco editor, see errors as text where they were
// made, make the imported IdP active.
import { expect, test } from './fixtures.ts';
import { IdpsPage } from './pages/idps-page.ts';

test.describe('IdP panel', () => {
  test('pasting metadata into the XML editor imports an IdP that can be made active; bad metadata shows why', async ({ app, page, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const demoMetadata = await request.get(new URL('/demo-idp/metadata', baseURL).toString());
    expect(demoMetadata.status()).toBe(200);
    const entityId = 'urn:example:e2e-imported-idp';
    const xml = (await demoMetadata.text()).replace(/entityID="[^"]*"/, `entityID="${entityId}"`);
    expect(xml).toContain(entityId);

    await idps.open();
    await expect(idps.rows).toHaveCount(1);
    await expect(page.getByTestId('idps-only-demo')).toBeVisible();
    // With no selection the active (demo) profile is shown.
    await expect(page.getByTestId('idp-name')).toContainText('Demo IdP');

    // Not metadata: the error is shown as text under the editor, nothing is added.
    await idps.startImport('paste');
    await idps.pasteXml('<x/>');
    await idps.submitPaste();
    await expect(idps.importError).toContainText('not usable SAML IdP metadata');
    await expect(idps.importError).toContainText('EntityDescriptor');
    await expect(page.locator('[data-source="paste"]')).toContainText('Nothing was imported');
    await expect(idps.rows).toHaveCount(1);

    // Paste the real metadata over it.
    await idps.pasteXml(xml);
    await idps.setName('E2E imported IdP');
    await idps.submitPaste();
    await idps.expectImported(entityId);
    await expect(idps.notice).toContainText('Imported “E2E imported IdP”');
    await expect(idps.importError).toHaveCount(0);
    await expect(idps.rows).toHaveCount(2);

    const imported = idps.row(entityId);
    await expect(imported).toHaveAttribute('data-active', 'false');
    await expect(imported).toHaveAttribute('data-selected', 'true');
    await idps.detail.getByTestId('idp-activate').click();
    await expect(imported).toHaveAttribute('data-active', 'true');
    await expect(page.locator('[data-testid="idp-row"][data-active="true"]')).toHaveCount(1);
    await expect(app.activeIdp).toHaveText('E2E imported IdP');
    await app.screenshot('13-idps-imported');

    // The choice survives a reload: it is stored by the core, not the page.
    await idps.open();
    await expect(app.activeIdp).toHaveText('E2E imported IdP');
    await expect(page.getByTestId('idp-entity-id')).toHaveText(entityId);
  });

  test('an unknown login id shows the not-found error as text', async ({ app, page }) => {
    await app.open('#/logins/does-not-exist');
    await expect(page.getByTestId('error')).toContainText('Not found');
    await expect(page.getByTestId('error')).toContainText('does-not-exist');
  });

  test('an unknown IdP profile says so and links back', async ({ page }) => {
    const idps = new IdpsPage(page);
    await idps.open('no-such-profile');
    await expect(page.getByTestId('idp-not-found')).toContainText('There is no such IdP profile');
    await page.getByTestId('idp-not-found').getByRole('link', { name: 'Show the active IdP' }).click();
    await expect(page.getByTestId('idp-name')).toContainText('Demo IdP');
  });
});
