// The Export screen: previews of each file in Monaco with copy and save, the private-key tick box with its
// warning, target settings with what they cannot express, a redacted trace, and importing a saved bundle back.
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures.ts';
import { fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

test('exports the tested config, target settings and a redacted trace; a saved bundle imports back', async ({ page, lab, app }) => {
  const res = await postForm(page.request, await fetchIdpInitiatedForm(page.request, lab.url, 'alice'));
  expect(res.status()).toBe(200);

  await page.goto('/#/export');
  await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
  await expect(page.getByTestId('nav-export')).toHaveAttribute('aria-current', 'page');

  // The bundle, previewed in a read-only Monaco editor.
  const bundle = page.getByTestId('bundle-file');
  await expect(bundle).toHaveAttribute('data-file-name', /^saml-jit-lab-bundle-.*\.json$/);
  await expect(bundle.locator('.monaco-editor')).toBeVisible();
  await expect(bundle.locator('.view-lines')).toContainText('"bundleVersion": 1');
  const bundleJson = JSON.parse(await page.getByTestId('bundle-file-content').inputValue()) as { containsSecrets: boolean; evidence: { principal: string }[] };
  expect(bundleJson.containsSecrets).toBe(false);
  expect(bundleJson.evidence.map((e) => e.principal)).toEqual(['alice@example.com']);

  // Private keys only when ticked, with a loud warning.
  await expect(page.getByTestId('export-secret-warning')).toHaveCount(0);
  await page.getByTestId('export-include-keys').check();
  await expect(page.getByTestId('export-secret-warning')).toContainText('PRIVATE KEY');
  await expect(page.getByTestId('bundle-file-secret')).toBeVisible();
  await expect(bundle).toHaveAttribute('data-file-name', /WITH-PRIVATE-KEY/);
  await page.getByTestId('export-include-keys').uncheck();
  await expect(page.getByTestId('bundle-file-secret')).toHaveCount(0);

  // Save downloads the file under its name.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bundle-file-save').click()]);
  expect(download.suggestedFilename()).toMatch(/^saml-jit-lab-bundle-.*\.json$/);
  const saved = await readFile((await download.path())!, 'utf8');
  expect(JSON.parse(saved)).toMatchObject({ bundleVersion: 1, containsSecrets: false });

  // Target settings: Grafana's ini and what Grafana cannot express.
  await page.getByTestId('target-grafana').click();
  await expect(page.getByTestId('target-file-0')).toHaveAttribute('data-file-name', 'grafana-saml.ini');
  await expect(page.getByTestId('target-file-0').locator('.view-lines')).toContainText('[auth.saml]');
  await expect(page.getByTestId('target-unsupported')).toContainText('Grafana');
  await page.getByTestId('target-simplesamlphp').click();
  await expect(page.getByTestId('target-file-1')).toHaveAttribute('data-file-name', 'saml20-idp-remote.php');

  // Signed SP metadata.
  await page.getByTestId('export-sp-signed').check();
  await expect(page.getByTestId('sp-metadata-file')).toHaveAttribute('data-file-name', 'sp-metadata-signed.xml');
  expect(await page.getByTestId('sp-metadata-file-content').inputValue()).toContain('<ds:SignatureValue>');
  await app.screenshot('20-export');

  // A trace with NameID and attribute values hashed: the original email is nowhere in it.
  await page.getByTestId('trace-login').first().check();
  await page.getByTestId('trace-export').click();
  await expect(page.getByTestId('trace-file')).toHaveAttribute('data-file-name', 'saml-jit-lab-trace-1-login-redacted.json');
  const trace = await page.getByTestId('trace-file-content').inputValue();
  expect(trace).toContain('sha256:');
  expect(trace).not.toContain('alice@example.com');

  // A demo IdP bundle does not import into a lab that has its own demo IdP (same entity ID, another key)…
  await page.getByTestId('import-bundle').setInputFiles({ name: 'bundle.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
  await expect(page.getByTestId('import-error')).toContainText('built-in demo IdP');
  // …a bundle of a real IdP imports back as a new IdP profile.
  const partner = saved.replaceAll('urn:saml-jit-lab:demo-idp', 'https://idp.partner.example');
  await page.getByTestId('import-bundle').setInputFiles({ name: 'partner.json', mimeType: 'application/json', buffer: Buffer.from(partner) });
  await expect(page.getByTestId('import-result')).toContainText('Imported as the IdP profile');
  const idps = (await (await page.request.post(`${lab.url}/api/idps.list`, { data: {} })).json()) as { value: { name: string }[] };
  expect(idps.value.map((i) => i.name).some((n) => n.includes('bundle of'))).toBe(true);
  // A damaged bundle says what is wrong.
  await page.getByTestId('import-bundle').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"kind": "saml-jit-lab/tested-config", "bundleVersion": 7}') });
  await expect(page.getByTestId('import-error')).toContainText('newer SAML JIT Lab');
});
