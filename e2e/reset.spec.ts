// Issue 15.6 in the UI: deleting an account, clearing logins and starting a clean lab, each asked first; Cancel
// changes nothing, and IdP profiles stay unless the clean start is asked to remove them.
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

async function api<T>(request: APIRequestContext, baseUrl: string, method: string, input: unknown = {}): Promise<T> {
  const body = (await (await request.post(`${baseUrl}/api/${method}`, { data: input })).json()) as { ok: boolean; value: T };
  expect(body.ok, `${method}: ${JSON.stringify(body)}`).toBe(true);
  return body.value;
}

test('delete an account, clear logins, start a clean lab — each confirmed', async ({ app, page, request, lab }) => {
  for (const user of ['alice', 'bob']) expect((await postForm(request, await fetchIdpInitiatedForm(request, lab.url, user))).status()).toBe(200);
  const demoMetadata = await (await request.get(`${lab.url}/demo-idp/metadata`)).text();
  await api(request, lab.url, 'idps.import', { xml: demoMetadata.replace('urn:saml-jit-lab:demo-idp', 'https://other.example/idp') });

  // Delete Alice's account from its page.
  const accounts = await api<{ id: string; principal: string }[]>(request, lab.url, 'accounts.list');
  const alice = accounts.find((a) => a.principal === 'alice@example.com')!;
  await app.open(`#/accounts/${alice.id}`);
  await page.getByTestId('account-delete-start').click();
  await expect(page.getByTestId('account-delete')).toContainText('Delete alice@example.com and its timeline (1 login)');
  await page.getByTestId('account-delete-cancel').click();
  expect(await api<unknown[]>(request, lab.url, 'accounts.list')).toHaveLength(2);
  await page.getByTestId('account-delete-start').click();
  await page.getByTestId('account-delete-yes').click();
  await expect(page).toHaveURL(/#\/accounts$/);
  expect((await api<{ principal: string }[]>(request, lab.url, 'accounts.list')).map((a) => a.principal)).toEqual(['bob@example.com']);
  expect((await api<{ nameId: string }[]>(request, lab.url, 'logins.list')).map((l) => l.nameId)).toEqual(['bob@example.com']);

  // Clear the logins of the other IdP (none), then all.
  await app.open('#/sp');
  const panel = page.getByTestId('lab-data');
  await panel.getByTestId('lab-data-clear-scope').selectOption('https://other.example/idp');
  await panel.getByTestId('lab-data-clear-logins-start').click();
  await panel.getByTestId('lab-data-clear-logins-yes').click();
  await expect(panel.getByTestId('lab-data-clear-logins-result')).toHaveText('Removed 0 logins.');
  expect(await api<unknown[]>(request, lab.url, 'logins.list')).toHaveLength(1);

  // A clean lab: the question says what goes and what stays; the IdP profiles stay.
  await panel.getByTestId('lab-data-clean-start').click();
  await expect(panel.getByTestId('lab-data-clean')).toContainText('Delete all 1 account, all 1 login');
  await expect(panel.getByTestId('lab-data-clean')).toContainText('IdP profiles with their rules');
  await page.screenshot({ path: 'e2e/artifacts/reset-clean-lab.png', fullPage: true });
  await panel.getByTestId('lab-data-clean-yes').click();
  await expect(panel.getByTestId('lab-data-clean-result')).toContainText('removed 1 account and 1 login');
  expect(await api<unknown[]>(request, lab.url, 'accounts.list')).toEqual([]);
  expect(await api<unknown[]>(request, lab.url, 'logins.list')).toEqual([]);
  expect(await api<unknown[]>(request, lab.url, 'idps.list')).toHaveLength(2);
});
