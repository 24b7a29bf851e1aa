// Issue 15.4 on the Export screen: after an SP setting change, the tested logins that the bundle's own replay would
// no longer pass are left out, and the screen lists them with the reasons before anything is saved.
import { expect, test } from './fixtures.ts';
import { fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

test('a login accepted under the old SP entity ID is listed as left out, with why', async ({ page, lab, app }) => {
  const res = await postForm(page.request, await fetchIdpInitiatedForm(page.request, lab.url, 'alice'));
  expect(res.status()).toBe(200);

  await page.goto('/#/export');
  await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
  await expect(page.getByTestId('bundle-file')).toBeVisible();
  // Nothing left out while the settings are the ones the login was tested with.
  await expect(page.getByTestId('export-left-out')).toHaveCount(0);

  const updated = await page.request.post(`${lab.url}/api/sp.update`, { data: { entityId: 'https://sp.changed.example/saml' } });
  expect(updated.ok()).toBe(true);
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
  const leftOut = page.getByTestId('export-left-out');
  await expect(leftOut).toBeVisible();
  await expect(leftOut).toContainText('1 tested login is left out of this bundle');
  await expect(page.getByTestId('export-left-out-login')).toHaveCount(1);
  await expect(page.getByTestId('export-left-out-login')).toContainText('alice@example.com');
  await expect(page.getByTestId('export-left-out-reason').first()).not.toBeEmpty();
  // The bundle itself carries no evidence for it.
  const bundle = JSON.parse(await page.getByTestId('bundle-file-content').inputValue()) as { evidence: unknown[] };
  expect(bundle.evidence).toEqual([]);
  await app.screenshot('export-left-out');
});
