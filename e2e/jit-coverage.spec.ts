// JIT answers a user can trust (issues 15 and 16): a login that clears fields says so in red, the dry run shows the
// matched account even when it would reject, the groups required next to the groups received, the attribute
// coverage with "map this attribute to field…", and the What if tab shows what each IdP drift would do.
import { expect, test } from './fixtures.ts';
import { call, loginAs } from './support/lab-api.ts';

test('a login that clears fields says "Updated — N fields cleared" in red, and names them', async ({ page, lab, app }) => {
  await loginAs(page.request, lab.url, 'alice');
  // Switch to the Entra ID preset: the demo IdP's attribute names no longer match, force sync clears every field.
  const presets = await call<{ id: string; rules: unknown }[]>(page.request, lab.url, 'rules.presets');
  await call(page.request, lab.url, 'rules.update', { rules: presets.find((p) => p.id === 'entra-id')!.rules });
  await loginAs(page.request, lab.url, 'alice');
  const [latest] = await call<{ id: string }[]>(page.request, lab.url, 'logins.list', { limit: 1 });

  await app.open(`#/logins/${latest!.id}/diff`);
  await app.expectLoginDetail(latest!.id);
  const kind = page.getByTestId('diff-kind');
  await expect(kind).toHaveText('Updated — 5 fields cleared');
  await expect(kind).toHaveClass(/badge-bad/);
  await expect(page.getByTestId('coverage-cleared')).toContainText('email, firstName, lastName, displayName, groups');
  await app.openLoginTab('checks');
  await expect(app.checkRow('jit.field-cleared')).toHaveAttribute('data-status', 'warn');
  await app.screenshot('jit-fields-cleared');
});

test('the dry run shows the matched account and the required groups even when it rejects, and clears on revert and on edit', async ({ page, lab }) => {
  await loginAs(page.request, lab.url, 'alice');
  await page.goto('/#/rules');
  await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('rules-required-groups').fill('finance');
  await page.getByTestId('dry-run-submit').click();
  await expect(page.getByTestId('dry-run-result')).toHaveAttribute('data-verdict', 'rejected');
  await expect(page.getByTestId('dry-run-before')).toContainText('alice@example.com');
  await expect(page.getByTestId('dry-run-groups-required')).toHaveText('finance');
  await expect(page.getByTestId('dry-run-groups-received')).toHaveText('engineering, sso-admins');
  await page.screenshot({ path: 'e2e/artifacts/jit-dry-run-rejected.png', fullPage: true });

  await page.getByTestId('rules-revert').click();
  await expect(page.getByTestId('dry-run-result')).toHaveCount(0);
  await page.getByTestId('dry-run-submit').click();
  await expect(page.getByTestId('dry-run-result')).toHaveAttribute('data-verdict', 'accepted');
  await page.getByTestId('rules-required-groups').fill('ops');
  await expect(page.getByTestId('dry-run-result')).toHaveCount(0);
});

test('an attribute nothing maps can be mapped to a new field in one click; the dry run then adds it', async ({ page, lab }) => {
  const users = await call<{ id: string; attributes: Record<string, string[]> }[]>(page.request, lab.url, 'demoUsers.list');
  const alice = users.find((u) => u.id === 'alice')!;
  await call(page.request, lab.url, 'demoUsers.update', { id: 'alice', attributes: { ...alice.attributes, department: ['R&D'] } });
  await loginAs(page.request, lab.url, 'alice');
  await page.goto('/#/rules');
  await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('dry-run-submit').click();
  const row = page.locator('[data-testid=dry-run-coverage-unmapped-row][data-name=department]');
  await expect(row).toContainText('R&D');
  await row.getByTestId('dry-run-coverage-new-field').fill('department');
  await row.getByTestId('dry-run-coverage-map-new').click();
  await page.getByTestId('dry-run-submit').click();
  await expect(page.locator('[data-testid=dry-run-diff-row][data-field=department]')).toHaveAttribute('data-change', 'added');
  await expect(page.locator('[data-testid=dry-run-coverage-unmapped-row]')).toHaveCount(0);
});

test('the What if tab shows what each IdP drift would do, under the current rules and the SP presets', async ({ page, lab, app }) => {
  await loginAs(page.request, lab.url, 'alice');
  const [latest] = await call<{ id: string }[]>(page.request, lab.url, 'logins.list', { limit: 1 });
  await app.open(`#/logins/${latest!.id}/whatif`);
  await app.expectLoginDetail(latest!.id);
  const format = page.locator('[data-testid=whatif-scenario][data-drift=nameid-format]');
  await expect(format.getByTestId('whatif-change')).toContainText(/NameID format \S+ → persistent/);
  await expect(format.locator('[data-testid=whatif-result][data-rules=current]')).toHaveAttribute('data-outcome', 'locked-out');
  await expect(format.locator('[data-testid=whatif-result][data-rules=sp-keycloak]')).toHaveAttribute('data-outcome', 'linked');
  const overage = page.locator('[data-testid=whatif-scenario][data-drift=group-overage]');
  await expect(overage.locator('[data-testid=whatif-result][data-rules=sp-grafana] [data-testid=whatif-label]')).toHaveText('Roles removed: Admin (granted: Viewer); 1 field cleared: groups');
  await app.screenshot('jit-whatif');
  // Nothing was written.
  const accounts = await call<{ principal: string; loginCount: number }[]>(page.request, lab.url, 'accounts.list');
  expect(accounts).toEqual([expect.objectContaining({ principal: 'alice@example.com', loginCount: 1 })]);
});
