// Issue 13.2 in the UI: metadata (a file, a URL refresh, a bundle) for an IdP already configured with other signing
// certificates is not applied silently. The shared confirmation shows the fingerprints added (danger) and removed;
// Cancel changes nothing, the confirm button repeats the same call with replace and the new key is trusted.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { IdpsPage, idpMetadataFile, labCertificates, startMetadataServer } from './pages/idps-page.ts';

interface Listed {
  entityId: string;
  certificates: { fingerprintSha256: string }[];
}

async function listIdps(page: Page, url: string): Promise<Listed[]> {
  const res = await page.request.post(`${url}/api/idps.list`, { data: {} });
  return ((await res.json()) as { value: Listed[] }).value;
}

const printsOf = async (page: Page, url: string, entityId: string): Promise<string[]> =>
  ((await listIdps(page, url)).find((i) => i.entityId === entityId)?.certificates ?? []).map((c) => c.fingerprintSha256);

test.describe('trust change', () => {
  test('a file with another signing key for a configured IdP asks first; cancel keeps the old key, confirm trusts the new one', async ({ page, lab, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const certs = await labCertificates(request, baseURL ?? '');
    const entityId = 'https://idp.rotating.example/saml';
    await idps.open();
    await idps.startImport('file');
    await idps.chooseFile('idp.xml', idpMetadataFile({ entityId, displayName: 'Rotating IdP', signingCerts: [certs.demo] }));
    await idps.expectImported(entityId);
    const [oldPrint] = await idps.fingerprints();
    expect(oldPrint).toBeDefined();

    // The same entity ID with another key: nothing is imported, the change is shown.
    await idps.startImport('file');
    await idps.chooseFile('idp-new-key.xml', idpMetadataFile({ entityId, displayName: 'Rotating IdP', signingCerts: [certs.sp] }));
    const panel = page.getByTestId('trust-change');
    await expect(panel).toBeVisible();
    await expect(panel).toContainText(entityId);
    await expect(panel).toContainText('compare them with the fingerprints the IdP publishes');
    await expect(page.getByTestId('trust-change-added-cert')).toHaveCount(1);
    await expect(page.getByTestId('trust-change-removed-cert')).toHaveCount(1);
    await expect(page.getByTestId('trust-change-removed').getByTestId('trust-change-fingerprint')).toHaveText(oldPrint!);
    const newPrint = (await page.getByTestId('trust-change-added').getByTestId('trust-change-fingerprint').innerText()).trim();
    expect(newPrint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(newPrint).not.toBe(oldPrint);
    // Added keys in the danger colour.
    const addedColor = await page.getByTestId('trust-change-added').getByTestId('trust-change-fingerprint').evaluate((el) => getComputedStyle(el).color);
    const removedColor = await page.getByTestId('trust-change-removed').getByTestId('trust-change-fingerprint').evaluate((el) => getComputedStyle(el).color);
    expect(addedColor).not.toBe(removedColor);
    await idps.screenshot('trust-change-01-file');
    expect(await printsOf(page, lab.url, entityId)).toEqual([oldPrint]);

    await page.getByTestId('trust-change-cancel').click();
    await expect(panel).toHaveCount(0);
    await expect(idps.importResult).toContainText('Nothing was changed');
    expect(await printsOf(page, lab.url, entityId)).toEqual([oldPrint]);

    // Again, and this time the person agrees.
    await idps.chooseFile('idp-new-key.xml', idpMetadataFile({ entityId, displayName: 'Rotating IdP', signingCerts: [certs.sp] }));
    await expect(panel).toBeVisible();
    await page.getByTestId('trust-change-confirm').click();
    await expect(panel).toHaveCount(0);
    await expect(page.getByTestId('idp-entity-id')).toHaveText(entityId);
    expect(await printsOf(page, lab.url, entityId)).toEqual([newPrint]);
    await expect(page.getByTestId('idp-cert-fingerprint')).toHaveText([newPrint]);
  });

  test('a refresh that finds another key asks first on the profile; confirm applies it', async ({ page, lab, request, baseURL }) => {
    const idps = new IdpsPage(page);
    const certs = await labCertificates(request, baseURL ?? '');
    const entityId = 'https://adfs.trust.example/adfs/services/trust';
    const path = '/FederationMetadata.xml';
    const server = await startMetadataServer({
      [path]: (n) => idpMetadataFile({ entityId, displayName: 'ADFS (trust)', signingCerts: [n === 1 ? certs.demo : certs.sp] }),
    });
    try {
      await idps.open('add');
      await page.getByTestId('idp-import-tab-url').click();
      await idps.importUrl(server.url(path));
      await idps.expectImported(entityId);
      const [oldPrint] = await idps.fingerprints();

      await idps.refresh();
      const panel = idps.detail.getByTestId('trust-change');
      await expect(panel).toBeVisible();
      await expect(page.getByTestId('trust-change-removed').getByTestId('trust-change-fingerprint')).toHaveText(oldPrint!);
      await idps.screenshot('trust-change-02-refresh');
      await page.getByTestId('trust-change-cancel').click();
      await expect(idps.refreshResult).toContainText('keeps trusting the current keys');
      expect(await printsOf(page, lab.url, entityId)).toEqual([oldPrint]);

      await idps.refresh();
      await expect(panel).toBeVisible();
      await page.getByTestId('trust-change-confirm').click();
      await expect(panel).toHaveCount(0);
      await expect(idps.refreshResult).toContainText('The metadata changed');
      const now = await printsOf(page, lab.url, entityId);
      expect(now).toHaveLength(1);
      expect(now[0]).not.toBe(oldPrint);
      await expect(page.getByTestId('idp-cert-fingerprint')).toHaveText(now);
    } finally {
      await server.close();
    }
  });

  test('a bundle with another key for a configured IdP asks on the Export screen', async ({ page, lab, request, baseURL }) => {
    const certs = await labCertificates(request, baseURL ?? '');
    const entityId = 'https://idp.bundle-trust.example/';
    const imported = await page.request.post(`${lab.url}/api/idps.import`, { data: { xml: idpMetadataFile({ entityId, displayName: 'Bundled IdP', signingCerts: [certs.demo] }) } });
    const idp = ((await imported.json()) as { value: { id: string } }).value;
    const exported = await page.request.post(`${lab.url}/api/bundles.export`, { data: { idpId: idp.id } });
    const bundle = ((await exported.json()) as { value: { content: string } }).value.content;
    const oldPrints = await printsOf(page, lab.url, entityId);
    // The same bundle, with the IdP's key swapped: what a tampered or stale file would carry.
    const parsed = JSON.parse(bundle) as { idp: { metadataXml: string } };
    parsed.idp.metadataXml = idpMetadataFile({ entityId, displayName: 'Bundled IdP', signingCerts: [certs.sp] });
    const swapped = JSON.stringify(parsed);

    await page.goto('/#/export');
    await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
    await page.getByTestId('import-bundle').setInputFiles({ name: 'bundle.json', mimeType: 'application/json', buffer: Buffer.from(swapped) });
    const panel = page.getByTestId('export-import').getByTestId('trust-change');
    await expect(panel).toBeVisible();
    await expect(page.getByTestId('trust-change-added-cert')).toHaveCount(1);
    await page.getByTestId('trust-change').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/artifacts/trust-change-03-bundle.png' });
    await page.getByTestId('trust-change-cancel').click();
    await expect(page.getByTestId('import-result')).toContainText('Nothing was imported');
    expect(await printsOf(page, lab.url, entityId)).toEqual(oldPrints);

    await page.getByTestId('import-bundle').setInputFiles({ name: 'bundle2.json', mimeType: 'application/json', buffer: Buffer.from(swapped) });
    await expect(panel).toBeVisible();
    await page.getByTestId('trust-change-confirm').click();
    await expect(page.getByTestId('import-result')).toContainText('Imported as the IdP profile');
    const now = await printsOf(page, lab.url, entityId);
    expect(now).toHaveLength(1);
    expect(now).not.toEqual(oldPrints);
  });
});
