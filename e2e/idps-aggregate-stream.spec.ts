// A federation aggregate over the streaming threshold (4 MiB) chosen in browser mode: it is uploaded as a stream
// (POST /api/upload/metadata, never idp.inspect with the whole XML), the form shows how far the reading got, the
// pick list offers every IdP, and the picked one is imported alone, with the warning that the aggregate's signature
// was not checked on this path.
import { expect, test } from './fixtures.ts';
import { aggregateXml, IdpsPage, labCertificates, type IdpMetadataOptions } from './pages/idps-page.ts';

test('a large aggregate is streamed with progress; the picked IdP is imported alone', async ({ page, request, baseURL }) => {
  const idps = new IdpsPage(page);
  const certs = await labCertificates(request, baseURL ?? '');
  const entities: IdpMetadataOptions[] = Array.from({ length: 4000 }, (_, i) => ({
    entityId: `https://idp${i}.campus${i % 89}.example.edu/idp/shibboleth`,
    displayName: `Campus ${i} Login`,
    signingCerts: [certs.demo],
  }));
  const xml = aggregateXml('urn:mace:e2e-large-federation', entities);
  expect(Buffer.byteLength(xml)).toBeGreaterThan(4 * 1024 * 1024);

  const calls: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') calls.push(new URL(r.url()).pathname);
  });
  // Hold the upload's answer a moment so the progress the server reported while reading can be seen.
  await page.route('**/api/upload/metadata**', async (route) => {
    const response = await route.fetch();
    await new Promise((r) => setTimeout(r, 1500));
    await route.fulfill({ response });
  });

  await idps.open();
  await idps.startImport('file');
  await idps.chooseFile('large-federation.xml', xml);
  const bar = page.getByTestId('idp-import-progress-bytes');
  await expect(bar).toContainText('(100%)');
  await expect(page.getByTestId('idp-import-progress')).toHaveAttribute('data-phase', 'reading');

  await expect(idps.aggregate).toHaveAttribute('data-idp-count', '4000');
  expect(calls).toContain('/api/upload/metadata');
  expect(calls).not.toContain('/api/idps.inspect');

  await idps.aggregateSearch.fill('idp3210.');
  await expect(idps.aggregateOptions).toHaveCount(1);
  await idps.aggregateSearch.press('Enter');
  await idps.expectImported('https://idp3210.campus6.example.edu/idp/shibboleth');
  expect(calls).toContain('/api/idps.importUpload');
  await expect(page.getByTestId('idp-name')).toHaveText('Campus 3210 Login');
  await expect(page.getByTestId('idp-warnings')).toContainText("only this IdP's EntityDescriptor was kept");
});
