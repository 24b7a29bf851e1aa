// SP settings from the UI: what the person saves is what the next login is checked with.
import { expect, test } from './fixtures.ts';
import { fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

test('changing the entity ID and refusing unsolicited logins takes effect on the next login', async ({ page, lab }) => {
  await page.goto('/#/sp');
  await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('sp-entity-id-input').fill('https://app.example.com/saml');
  await page.getByTestId('sp-allow-unsolicited').uncheck();
  await page.getByTestId('sp-signature-policy').selectOption('both');
  await page.getByTestId('sp-settings-save').click();
  await expect(page.getByTestId('sp-settings-saved')).toBeVisible();
  await expect(page.getByTestId('sp-entity-id')).toHaveText('https://app.example.com/saml');
  await page.screenshot({ path: 'e2e/artifacts/80-sp-settings.png', fullPage: true });

  const metadata = await (await page.request.get(`${lab.url}/saml/metadata`)).text();
  expect(metadata).toContain('entityID="https://app.example.com/saml"');

  // The demo IdP now issues assertions for the new entity ID; an IdP-initiated one is refused by policy.
  const res = await postForm(page.request, await fetchIdpInitiatedForm(page.request, lab.url, 'alice'));
  expect(res.status()).toBe(403);
  expect(await res.text()).toContain('data-check-id="in-response-to"');

  // SP-initiated through the UI is still accepted, and its audience check shows the new entity ID.
  await page.goto('/#/logins');
  await page.getByTestId('sign-in').click();
  await page.getByTestId('demo-signin-alice').click();
  await expect(page.getByTestId('acs-result')).toHaveAttribute('data-verdict', 'accepted');
  await page.getByTestId('back-to-app').click();
  await page.locator('a[role=tab]', { hasText: 'Checks' }).click();
  await expect(page.locator('[data-testid=check-row][data-check-id=audience]')).toContainText('https://app.example.com/saml');
  await expect(page.locator('[data-testid=check-row][data-check-id="signature.policy"]')).toHaveAttribute('data-status', 'pass');
});

test('login retention is a setting; an impossible value is refused with a clear message', async ({ page, lab }) => {
  await page.goto('/#/sp');
  await page.getByTestId('retention-input').fill('150');
  await page.getByTestId('retention-save').click();
  await expect(page.getByTestId('retention-form')).toContainText('Saved.');
  const settings = (await (await page.request.post(`${lab.url}/api/settings.get`, { data: {} })).json()) as { value: { loginRetention: number } };
  expect(settings.value.loginRetention).toBe(150);
  await page.getByTestId('retention-input').fill('5');
  await page.getByTestId('retention-save').click();
  await expect(page.getByTestId('retention-error')).toContainText('loginRetention');
});
