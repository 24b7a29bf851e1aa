// Live arrival: a login posted while the app is open shows up at once — in the list, as a notification on any
// screen, and in the setup guide — without a reload.
import { expect, test } from './fixtures.ts';
import { seedLogins } from './support/seed.ts';
import { decodeSamlResponse, encodeSamlResponse, fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

test.use({ seed: { logins: seedLogins({ count: 200 }) } });

test('a login arriving while the app is open: a toast on any screen, the new row on top of the list', async ({ app, logins, page, request, baseURL }) => {
  await app.open('#/logins');
  await logins.expectTotal(200);
  await page.evaluate(() => {
    (window as unknown as { __notReloaded?: boolean }).__notReloaded = true;
  });

  expect((await postForm(request, await fetchIdpInitiatedForm(request, baseURL ?? '', 'carol'))).status()).toBe(200);

  const toast = page.getByTestId('toast-login');
  await expect(toast).toHaveCount(1);
  await expect(toast).toHaveAttribute('data-verdict', 'accepted');
  await expect(toast).toContainText('Login accepted: carol@example.com');
  await expect(toast).toContainText('A new account was created.');
  await logins.expectTotal(201);
  const row = logins.rows.first();
  await expect(row).toContainText('carol@example.com');
  await expect(row).toHaveClass(/row-new/);
  await expect(page.getByTestId('filter-all')).toContainText('201');
  await app.screenshot('60-live-toast');
  // Dismissing works with the keyboard.
  await toast.getByRole('button', { name: 'Dismiss notification' }).press('Enter');
  await expect(toast).toHaveCount(0);

  // On another screen: a rejected login is announced with its failing checks; the toast opens it.
  await app.navigate('#/accounts');
  const form = await fetchIdpInitiatedForm(request, baseURL ?? '', 'carol');
  const forged = encodeSamlResponse(decodeSamlResponse(form.fields.SAMLResponse ?? '').replace('carol@example.com', 'eve@example.com'));
  expect((await postForm(request, { ...form, fields: { ...form.fields, SAMLResponse: forged } })).status()).toBe(403);
  const rejected = page.locator('[data-testid="toast-login"][data-verdict="rejected"]');
  await expect(rejected).toContainText('Login rejected: eve@example.com (unverified)');
  await expect(rejected).toContainText('signature.valid');
  const id = await rejected.getAttribute('data-login-id');
  await rejected.getByTestId('toast-open').click();
  await app.expectLoginDetail(id ?? '');
  await expect(rejected).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
});
