// Compare two logins of the same user, before and after a change at the IdP: the changed attribute, the account
// field it changed, and the checks — side by side, differences first.
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

async function api<T>(request: APIRequestContext, baseUrl: string, method: string, input: unknown): Promise<T> {
  const response = await request.post(`${baseUrl}/api/${method}`, { data: input });
  const body = (await response.json()) as { ok: boolean; value: T };
  expect(body.ok, `${method}: ${JSON.stringify(body)}`).toBe(true);
  return body.value;
}

async function loginAs(request: APIRequestContext, baseUrl: string, user: string): Promise<void> {
  expect((await postForm(request, await fetchIdpInitiatedForm(request, baseUrl, user))).status()).toBe(200);
}

test('two logins of alice, before and after her surname changed at the IdP, side by side', async ({ app, logins, compare, page, request, lab }) => {
  await loginAs(request, lab.url, 'alice');
  const users = await api<{ id: string; attributes: Record<string, string[]> }[]>(request, lab.url, 'demoUsers.list', {});
  const alice = users.find((u) => u.id === 'alice');
  expect(alice).toBeDefined();
  const before = alice?.attributes.sn?.[0] ?? '';
  await api(request, lab.url, 'demoUsers.update', { id: 'alice', attributes: { ...alice?.attributes, sn: [`${before}-Lee`] } });
  await loginAs(request, lab.url, 'alice');

  // Mark both in the list — one with the mouse, one with the keyboard — and compare.
  await app.open('#/logins');
  await expect(logins.rows).toHaveCount(2);
  const [newer, older] = await logins.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-login-id') ?? ''));
  await logins.mark(older ?? '');
  await expect(page.getByTestId('compare-bar')).toContainText('mark one more');
  await logins.grid.focus();
  await expect(logins.activeRow()).toHaveAttribute('data-login-id', newer ?? '');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('compare-bar')).toContainText('2 logins marked');
  await page.getByTestId('compare-open').click();

  // Older login on the left.
  await compare.expectLoaded();
  await expect(page).toHaveURL(new RegExp(`#/compare/${older}/${newer}$`));
  await expect(compare.summary).toHaveText('1 attribute, 0 check outcomes and 1 account field differ.');
  expect(await compare.sides('attributes', 'sn')).toEqual([before, `${before}-Lee`]);
  await expect(compare.row('attributes', 'sn')).toHaveAttribute('data-same', 'false');
  await expect(compare.row('attributes', 'email')).toHaveAttribute('data-same', 'true');
  const [a, b] = await compare.sides('diff', 'lastName');
  expect(a).toContain(before);
  expect(a).toContain('added');
  expect(b).toContain(`${before}-Lee`);
  expect(b).toContain('changed');
  // Unchanged checks are collapsed until asked for.
  await expect(compare.row('checks', 'signature.valid')).toHaveCount(0);
  await page.getByTestId('compare-same-checks-toggle').click();
  await expect(compare.row('checks', 'signature.valid')).toHaveAttribute('data-same', 'true');
  await expect(compare.row('diff', 'email')).toHaveAttribute('data-same', 'true');
  // The XML, line by line: the surname's value line removed and added, unchanged runs folded.
  const xml = page.getByTestId('compare-xml');
  await expect(xml.getByTestId('compare-xml-removed').filter({ hasText: `>${before}<` })).toHaveCount(1);
  await expect(xml.getByTestId('compare-xml-added').filter({ hasText: `>${before}-Lee<` })).toHaveCount(1);
  await expect(xml.getByTestId('compare-xml-folded').first()).toContainText('unchanged line');
  await app.screenshot('50-compare');

  await compare.onlyDifferences.check();
  await expect(compare.row('attributes', 'email')).toHaveCount(0);
  await expect(compare.row('attributes', 'sn')).toBeVisible();

  // The detail of the newer login offers the same comparison directly.
  await page.getByTestId('compare-head-b').getByRole('link', { name: 'Open this login' }).click();
  await app.expectLoginDetail(newer ?? '');
  await page.getByTestId('compare-previous').click();
  await compare.expectLoaded();
  await expect(page).toHaveURL(new RegExp(`#/compare/${older}/${newer}$`));
});
