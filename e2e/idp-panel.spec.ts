// The IdP panel against the real server: import metadata by pasting it, see errors as text, activate an IdP.
import { expect, test } from './fixtures.ts';

test.describe('IdP panel', () => {
  test('pasting metadata imports an IdP that can be made active; bad metadata shows why', async ({ app, page, request, baseURL }) => {
    const demoMetadata = await request.get(new URL('/demo-idp/metadata', baseURL).toString());
    expect(demoMetadata.status()).toBe(200);
    const entityId = 'urn:example:e2e-imported-idp';
    const xml = (await demoMetadata.text()).replace(/entityID="[^"]*"/, `entityID="${entityId}"`);
    expect(xml).toContain(entityId);

    await app.open('#/idps');
    const rows = page.getByTestId('idp-row');
    await expect(rows).toHaveCount(1);

    // Not metadata: the error is shown as text, nothing is added.
    await page.getByTestId('idp-import-xml').fill('<x/>');
    await page.getByTestId('idp-import-submit').click();
    await expect(page.getByTestId('idp-import-error')).toContainText('not usable SAML IdP metadata');
    await expect(page.getByTestId('idp-import-error')).toContainText('EntityDescriptor');
    await expect(rows).toHaveCount(1);

    await page.getByTestId('idp-import-name').fill('E2E imported IdP');
    await page.getByTestId('idp-import-xml').fill(xml);
    await page.getByTestId('idp-import-submit').click();
    await expect(page.getByTestId('idp-import-result')).toContainText(entityId);
    await expect(page.getByTestId('idp-import-error')).toHaveCount(0);
    await expect(rows).toHaveCount(2);

    const imported = rows.filter({ hasText: entityId });
    await expect(imported).toHaveAttribute('data-active', 'false');
    await imported.getByTestId('idp-activate').click();
    await expect(imported).toHaveAttribute('data-active', 'true');
    await expect(page.locator('[data-testid="idp-row"][data-active="true"]')).toHaveCount(1);
    await expect(app.activeIdp).toHaveText('E2E imported IdP');
    await app.screenshot('13-idps-imported');

    // The choice survives a reload: it is stored by the core, not the page.
    await app.open('#/idps');
    await expect(app.activeIdp).toHaveText('E2E imported IdP');
  });

  test('an unknown login id shows the not-found error as text', async ({ app, page }) => {
    await app.open('#/logins/does-not-exist');
    await expect(page.getByTestId('error')).toContainText('Not found');
    await expect(page.getByTestId('error')).toContainText('does-not-exist');
  });
});
