// Issue 15.7, rules editing: the attribute → field mapping edited in the form (suggested attributes from the IdP's
// last login, transforms, removing a field), kept in step with the JSON editor both ways; Save asks first with what
// changes; leaving with unsaved edits asks first (Stay keeps them, Leave drops them).
import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { call, loginAs } from './support/lab-api.ts';

/** Alice's demo user also sends `department`, an attribute the default rules do not map. */
async function giveAliceADepartment(request: APIRequestContext, baseUrl: string): Promise<void> {
  const users = await call<{ id: string; attributes: Record<string, string[]> }[]>(request, baseUrl, 'demoUsers.list');
  const alice = users.find((u) => u.id === 'alice')!;
  await call(request, baseUrl, 'demoUsers.update', { id: 'alice', attributes: { ...alice.attributes, department: ['R&D Platform'] } });
}

async function openRules(page: Page): Promise<void> {
  await page.goto('/#/rules');
  await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
  await expect(page.getByTestId('mapping-editor')).toBeVisible();
}

const field = (page: Page, name: string) => page.locator(`[data-testid=mapping-field][data-field="${name}"]`);

test('a field added from a suggested attribute, a lowercase transform and a removed field: Save lists them, and the next login sets the new field', async ({ page, lab, app }) => {
  // Two logins, a dry run, screenshots in both schemes and a save: more than one plain interaction test.
  test.setTimeout(120_000);
  await giveAliceADepartment(page.request, lab.url);
  await loginAs(page.request, lab.url, 'alice');
  await openRules(page);

  // The last login's attributes are suggested; department is the one nothing maps yet.
  const suggestions = page.getByTestId('mapping-suggestions');
  await expect(suggestions).toContainText('alice@example.com');
  await expect(suggestions).toContainText('1 not mapped yet');
  await expect(suggestions.locator('[data-testid=mapping-suggestion][data-name=email]')).toHaveAttribute('data-mapped', 'true');
  const department = suggestions.locator('[data-testid=mapping-suggestion][data-name=department]');
  await expect(department).toHaveAttribute('data-mapped', 'false');

  await department.click();
  await expect(field(page, 'department').getByTestId('mapping-source')).toHaveAttribute('data-source', 'department');
  await expect(field(page, 'department').getByTestId('mapping-field-name')).toBeFocused();
  await expect(department).toHaveAttribute('data-mapped', 'true');
  await expect(suggestions).toContainText('every one is used by a rule');

  await field(page, 'department').getByTestId('mapping-add-transform').selectOption('lowercase');
  await expect(field(page, 'department').getByTestId('mapping-transform')).toHaveAttribute('data-op', 'lowercase');
  await field(page, 'displayName').getByTestId('mapping-remove-field').click();
  await expect(field(page, 'displayName')).toHaveCount(0);

  // The JSON editor follows the form: the dry run (which reads the JSON text) adds department, lower-cased.
  await page.getByTestId('dry-run-submit').click();
  await expect(page.locator('[data-testid=dry-run-diff-row][data-field=department]')).toContainText('r&d platform');

  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('mapping-editor').screenshot({ path: 'e2e/artifacts/rules-mapping-editor-light.png' });
  await app.screenshot('rules-mapping-editor');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByTestId('mapping-editor').screenshot({ path: 'e2e/artifacts/rules-mapping-editor-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });

  await page.getByTestId('rules-save').click();
  const confirm = page.getByRole('alertdialog', { name: /Save the JIT rules/ });
  await expect(confirm).toBeVisible();
  await expect(page.getByTestId('rules-confirm-cancel')).toBeFocused();
  await expect(page.getByTestId('rules-confirm-change')).toHaveText(['field department added (from department; lowercase)', 'field displayName removed']);
  await expect(confirm).toContainText('applies from the next login from');
  await app.screenshot('rules-save-confirm');
  await page.getByTestId('rules-confirm-confirm').click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByTestId('rules-saved')).toContainText('Rules saved');
  await expect(page.getByTestId('rules-updated-at')).toContainText('Last saved');
  await expect(page.getByTestId('rules-save')).toBeDisabled();

  // The next login of alice sets the new field on her account.
  await loginAs(page.request, lab.url, 'alice');
  await page.goto('/#/accounts');
  await page.getByTestId('account-link').first().click();
  await expect(page.locator('[data-testid=account-fields] tr[data-field=department] td')).toHaveText('r&d platform');
});

test('the form follows the JSON editor: a field edited in the JSON shows in the form, and a wrong name is shown at its place', async ({ page, lab }) => {
  await openRules(page);
  const { rules } = await call<{ rules: { fields: { field: string; sources: string[] }[] } }>(page.request, lab.url, 'rules.get');
  const edited = { ...rules, fields: [...rules.fields, { field: '9lives', sources: ['employeeNumber'] }] };
  // Pasted (typing would meet Monaco's auto-closing brackets): select all, paste the edited rules.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(edited, null, 2));
  await page.locator('.monaco-editor').click({ position: { x: 200, y: 40 } });
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('ControlOrMeta+v');

  const added = page.getByTestId('mapping-field').last();
  await expect(added.getByTestId('mapping-field-name')).toHaveValue('9lives');
  await expect(added.getByTestId('mapping-source')).toHaveAttribute('data-source', 'employeeNumber');
  const problem = added.getByTestId('mapping-problem');
  await expect(problem).toHaveAttribute('data-path', `fields.${rules.fields.length}.field`);
  await expect(problem).toContainText('starting with a letter');
  await expect(added.getByTestId('mapping-field-name')).toHaveAttribute('aria-invalid', 'true');

  // Fixed in the form, the problem goes; Save refuses nothing now and asks first.
  await added.getByTestId('mapping-field-name').fill('employeeId');
  await expect(added.getByTestId('mapping-problem')).toHaveCount(0);
  await page.getByTestId('rules-save').click();
  await expect(page.getByTestId('rules-confirm-change')).toHaveText(['field employeeId added (from employeeNumber)']);
});

test('JSON the form cannot show (no "groups") keeps the screen up and says what is missing; left-out defaults are fine', async ({ page, lab }) => {
  await openRules(page);
  const { rules } = await call<{ rules: { groups: Record<string, unknown> } }>(page.request, lab.url, 'rules.get');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const paste = async (value: unknown): Promise<void> => {
    await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(value, null, 2));
    await page.locator('.monaco-editor').click({ position: { x: 200, y: 40 } });
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('ControlOrMeta+v');
  };
  const { groups: _dropped, ...withoutGroups } = rules;
  await paste(withoutGroups);
  await expect(page.getByTestId('rules-json-error')).toHaveText('The JSON has no "groups" object. Fix it in the JSON editor to use this form.');
  await expect(page.getByTestId('rules-screen')).toBeVisible();
  // Required groups and role rules left out (the schema defaults them): the form shows them empty and adds to them.
  const { required: _r, roles: _roles, ...groups } = rules.groups;
  await paste({ ...rules, groups });
  await expect(page.getByTestId('rules-required-groups')).toHaveValue('');
  await page.getByTestId('rules-add-role').click();
  await expect(page.getByTestId('rules-role-row')).toHaveCount(1);
});

test('leaving with unsaved edits asks first: Escape and Stay keep the edits, Leave drops them', async ({ page, app }) => {
  await openRules(page);
  await page.getByTestId('mapping-add-field').click();
  const fresh = page.getByTestId('mapping-field').last();
  await fresh.getByTestId('mapping-field-name').fill('costCenter');
  await fresh.getByTestId('mapping-default').fill('CC-42');

  // A link in the top bar: the question, focus on Stay; the page stays.
  await page.getByTestId('nav-logins').click();
  const leave = page.getByRole('alertdialog', { name: 'Leave with unsaved edits?' });
  await expect(leave).toBeVisible();
  await expect(page.getByTestId('rules-leave-cancel')).toBeFocused();
  await expect(page).toHaveURL(/#\/rules$/);
  await page.keyboard.press('Escape');
  await expect(leave).toHaveCount(0);
  await expect(field(page, 'costCenter').getByTestId('mapping-default')).toHaveValue('CC-42');

  // Any other change of the address asks too; Stay keeps the edits.
  await app.navigate('#/accounts');
  await expect(leave).toBeVisible();
  await expect(page).toHaveURL(/#\/rules$/);
  await page.getByTestId('rules-leave-cancel').click();
  await expect(leave).toHaveCount(0);
  await expect(page.getByTestId('rules-screen')).toBeVisible();
  await expect(field(page, 'costCenter')).toHaveCount(1);
  await expect(page.getByTestId('rules-save')).toBeEnabled();

  // Closing the tab asks the browser's own question; staying keeps the edits.
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.type();
    void dialog.dismiss();
  });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => asked).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);
  await expect(field(page, 'costCenter')).toHaveCount(1);

  // Leave: the other screen, and the rules as saved when coming back.
  await page.getByTestId('nav-logins').click();
  await page.getByTestId('rules-leave-confirm').click();
  await expect(page).toHaveURL(/#\/logins$/);
  await expect(leave).toHaveCount(0);
  await page.getByTestId('nav-rules').click();
  await expect(page.getByTestId('mapping-editor')).toBeVisible();
  await expect(field(page, 'costCenter')).toHaveCount(0);
  await expect(page.getByTestId('rules-save')).toBeDisabled();
  // Nothing unsaved: navigating goes straight through.
  await page.getByTestId('nav-accounts').click();
  await expect(page).toHaveURL(/#\/accounts$/);
  await expect(leave).toHaveCount(0);
});

test('Cancel in the save confirmation saves nothing: after a reload the saved rules are the old ones', async ({ page, lab }) => {
  await openRules(page);
  await page.getByTestId('rules-sync-mode').selectOption('import');
  await field(page, 'email').getByTestId('mapping-source-input').fill('upn');
  await field(page, 'email').getByTestId('mapping-source-input').press('Enter');
  await field(page, 'firstName').getByTestId('mapping-sync').selectOption('force');

  await page.getByTestId('rules-save').click();
  await expect(page.getByTestId('rules-confirm-change')).toHaveText([
    'sync mode force → import',
    /^field email: sources email, mail, .* → email, mail, .*, upn$/,
    'field firstName: sync mode the rules’ sync mode → force',
  ]);
  await page.getByTestId('rules-confirm-cancel').click();
  await expect(page.getByTestId('rules-confirm')).toHaveCount(0);
  await expect(page.getByTestId('rules-saved')).toHaveCount(0);
  // The edits are still there to change or save later.
  await expect(page.getByTestId('rules-sync-mode')).toHaveValue('import');

  const { rules } = await call<{ rules: { syncMode: string } }>(page.request, lab.url, 'rules.get');
  expect(rules.syncMode).toBe('force');
  // Reloading with unsaved edits asks first; leaving shows the saved rules again.
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.type();
    void dialog.accept();
  });
  await page.reload();
  expect(asked).toBe('beforeunload');
  await expect(page.getByTestId('mapping-editor')).toBeVisible();
  await expect(page.getByTestId('rules-sync-mode')).toHaveValue('force');
  await expect(field(page, 'email').locator('[data-testid=mapping-source][data-source=upn]')).toHaveCount(0);
  await expect(page.getByTestId('rules-updated-at')).toHaveText('Never saved: the generic preset applies.');
});

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`);
}

test('the mapping editor with suggestions, a problem in place and both questions passes axe, light and dark', async ({ page, lab }) => {
  test.setTimeout(120_000);
  await giveAliceADepartment(page.request, lab.url);
  await loginAs(page.request, lab.url, 'alice');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await openRules(page);
    await expect(page.getByTestId('mapping-suggestions')).toContainText('not mapped yet');
    await field(page, 'email').getByTestId('mapping-add-transform').selectOption('template');
    await field(page, 'email').getByTestId('mapping-field-name').fill('e mail');
    await expect(page.getByTestId('mapping-problem')).toHaveCount(1);
    expect(await seriousViolations(page), `mapping editor (${scheme})`).toEqual([]);
    await field(page, 'e mail').getByTestId('mapping-field-name').fill('email');
    await page.getByTestId('rules-save').click();
    await expect(page.getByTestId('rules-confirm')).toBeVisible();
    expect(await seriousViolations(page), `save confirmation (${scheme})`).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('rules-confirm')).toHaveCount(0);
    await page.getByTestId('nav-logins').click();
    await expect(page.getByTestId('rules-leave')).toBeVisible();
    expect(await seriousViolations(page), `leave question (${scheme})`).toEqual([]);
    await page.getByTestId('rules-leave-confirm').click();
    await expect(page).toHaveURL(/#\/logins$/);
  }
});
