// JIT rules in the UI: edit a rule, replay a stored login in a dry run, and see the diff change — without the
// store changing; invalid rules are refused at their place and the saved rules stay in force.
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

async function loginAsAlice(request: APIRequestContext, baseUrl: string): Promise<void> {
  const res = await postForm(request, await fetchIdpInitiatedForm(request, baseUrl, 'alice'));
  expect(res.status()).toBe(200);
}

async function openRules(page: Page): Promise<void> {
  await page.goto('/#/rules');
  await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
  await expect(page.getByTestId('rules-form')).toBeVisible();
}

test('editing a role rule changes the dry-run diff of a stored login, and writes nothing', async ({ page, lab, app }) => {
  await loginAsAlice(page.request, lab.url);
  await openRules(page);

  // With the default rules, replaying alice's login changes nothing: no roles.
  await page.getByTestId('dry-run-submit').click();
  await expect(page.getByTestId('dry-run-result')).toHaveAttribute('data-verdict', 'accepted');
  await expect(page.getByTestId('dry-run-diff')).toHaveAttribute('data-diff-kind', 'unchanged');

  // Add a rule: members of sso-admins get the Admin role.
  await page.getByTestId('rules-add-role').click();
  await page.getByTestId('rules-role-name').fill('Admin');
  await page.getByTestId('rules-role-value').fill('sso-admins');
  await page.getByTestId('dry-run-submit').click();
  await expect(page.getByTestId('dry-run-diff')).toHaveAttribute('data-diff-kind', 'updated');
  await expect(page.getByTestId('dry-run-diff-roles-granted')).toContainText('Admin');
  await expect(page.locator('[data-testid=dry-run-diff-row][data-field=roles]')).toHaveAttribute('data-change', 'added');
  await app.screenshot('16-rules-dry-run');

  // Require a group alice is not in: the same login would now be refused, with the named check.
  await page.getByTestId('rules-required-groups').fill('finance');
  await page.getByTestId('dry-run-submit').click();
  await expect(page.getByTestId('dry-run-result')).toHaveAttribute('data-verdict', 'rejected');
  await expect(page.locator('[data-testid=dry-run-check][data-check-id="jit.required-group"]')).toHaveAttribute('data-status', 'fail');

  // Nothing was written: alice has no roles, one login.
  const accounts = await page.request.post(`${lab.url}/api/accounts.list`, { data: {} });
  const body = (await accounts.json()) as { value: { principal: string; roles: string[]; loginCount: number }[] };
  expect(body.value).toEqual([expect.objectContaining({ principal: 'alice@example.com', roles: [], loginCount: 1 })]);
});

test('saved rules apply to the next login, and invalid rules are refused at their place', async ({ page, lab }) => {
  await loginAsAlice(page.request, lab.url);
  await openRules(page);
  await page.getByTestId('rules-add-role').click();
  await page.getByTestId('rules-role-name').fill('Admin');
  await page.getByTestId('rules-role-value').fill('sso-admins');
  await page.getByTestId('rules-save').click();
  // Save asks first, with what changes.
  await expect(page.getByTestId('rules-confirm-change')).toHaveText(['role rule added: Admin ← sso-admins']);
  await page.getByTestId('rules-confirm-confirm').click();
  await expect(page.getByTestId('rules-saved')).toBeVisible();

  // An invalid regex: refused, with its path; the saved rule stays.
  await page.getByTestId('rules-role-row').locator('select').selectOption('regex');
  await page.getByTestId('rules-role-value').fill('(unclosed');
  await page.getByTestId('rules-save').click();
  await page.getByTestId('rules-confirm-confirm').click();
  await expect(page.locator('[data-testid=rules-problem]')).toHaveAttribute('data-path', 'groups.roles.0.value');
  await expect(page.getByTestId('rules-problems')).toContainText('does not compile');
  await page.getByTestId('rules-revert').click();

  // The next login grants Admin; the account page shows the role and the timeline.
  await loginAsAlice(page.request, lab.url);
  await page.goto('/#/accounts');
  await page.getByTestId('accounts-search').fill('admin');
  await expect(page.getByTestId('account-row')).toHaveCount(1);
  await page.getByTestId('accounts-search').fill('no such user');
  await expect(page.getByTestId('accounts-no-match')).toBeVisible();
  await page.getByTestId('accounts-search').fill('alice');
  await page.getByTestId('account-link').first().click();
  await expect(page.getByTestId('account-roles')).toContainText('Admin');
  await expect(page.getByTestId('timeline-entry')).toHaveCount(2);
  await expect(page.getByTestId('timeline-entry').first()).toHaveAttribute('data-diff-kind', 'updated');
  await page.screenshot({ path: 'e2e/artifacts/17-account-detail.png', fullPage: true });
});
