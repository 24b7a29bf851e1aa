// The end-to-end JIT loop in browser mode, against the real `saml-jit-lab serve`: sign in through the demo IdP,
// see the account and the diff, change an attribute, catch a tampered response, watch logins arrive live.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures.ts';
import type { AppPage } from './pages/app-page.ts';
import type { DemoIdpPage } from './pages/demo-idp-page.ts';
import {
  attributeValues,
  decodeSamlResponse,
  encodeSamlResponse,
  fetchIdpInitiatedForm,
  postForm,
  replaceAttributeValue,
} from './support/saml-post.ts';

interface DemoUser {
  id: string;
  nameId: string;
  attributes: Record<string, string[]>;
}

const demoUsers = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'demo-users.json'), 'utf8'),
) as DemoUser[];

function demoUser(id: string): DemoUser {
  const user = demoUsers.find((u) => u.id === id);
  if (user === undefined) throw new Error(`resources/demo-users.json has no user "${id}"`);
  return user;
}

function first(user: DemoUser, attribute: string): string {
  const value = user.attributes[attribute]?.[0];
  if (value === undefined) throw new Error(`demo user ${user.id} has no ${attribute}`);
  return value;
}

/** The account fields a demo user's attributes provision (the default mapping), as the diff shows them. */
function expectedFields(user: DemoUser): Record<string, string> {
  return {
    email: first(user, 'email'),
    firstName: first(user, 'givenName'),
    lastName: first(user, 'sn'),
    displayName: first(user, 'displayName'),
    groups: (user.attributes.groups ?? []).join(', '),
  };
}

/** Sign in with IdP → demo IdP page → (edit attributes) → Sign in as … → result page → back to the app. */
async function signInThroughUi(
  app: AppPage,
  demoIdp: DemoIdpPage,
  user: string,
  edits: Record<string, string> = {},
): Promise<string> {
  await app.open();
  await app.signInButton.click();
  await demoIdp.expectLoaded(user);
  for (const [attribute, value] of Object.entries(edits)) await demoIdp.setAttribute(user, attribute, value);
  await demoIdp.signInAs(user);
  await demoIdp.expectVerdict('accepted');
  const loginId = await demoIdp.goBackToApp();
  await app.waitReady();
  await app.expectLoginDetail(loginId);
  return loginId;
}

test.describe('JIT loop in the browser', () => {
  test('first login through the demo IdP creates the account with every mapped field', async ({ app, demoIdp, page }) => {
    const alice = demoUser('alice');
    const external: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.protocol.startsWith('http') && url.hostname !== '127.0.0.1') external.push(r.url());
    });
    await app.open();
    await expect(app.activeIdp).toContainText(/demo/i);
    await expect(page.getByTestId('logins-empty')).toBeVisible();
    await app.screenshot('01-logins-empty');

    const loginId = await signInThroughUi(app, demoIdp, 'alice');

    await expect(app.verdict).toHaveAttribute('data-verdict', 'accepted');
    await app.screenshot('02-login-summary-accepted');

    await app.openLoginTab('diff');
    await expect(app.diffKind).toHaveAttribute('data-kind', 'created');
    const diff = await app.diffTable();
    for (const [field, value] of Object.entries(expectedFields(alice))) {
      expect(diff[field], `diff row for ${field}`).toEqual({ change: 'added', before: '—', after: value });
    }
    await app.screenshot('03-login-diff-created');

    await app.openLoginTab('checks');
    await expect(app.checkRows.first()).toBeVisible();
    await expect(page.locator('[data-testid="check-row"][data-status="fail"]')).toHaveCount(0);
    await expect(app.checkRow('signature.valid')).toHaveAttribute('data-status', 'pass');
    await app.screenshot('04-login-checks');

    await app.openLoginTab('attributes');
    await expect(page.getByTestId('attribute-row').first()).toBeVisible();
    await app.screenshot('05-login-attributes');

    await app.openLoginTab('xml');
    const editor = page.getByTestId('xml-viewer').locator('.monaco-editor .view-lines');
    // Monaco renders only the visible lines: the pretty-printed Response and its Signature come first.
    await expect(editor).toContainText(/<samlp?:Response\b/);
    await expect(editor).toContainText(/Signature/);
    await expect(page.getByTestId('xml-viewer').locator('.monaco-editor textarea')).toHaveAttribute('readonly', /.*/);
    await app.screenshot('06-login-xml');

    await app.navigate('#/logins');
    await expect(app.loginRow(loginId)).toHaveAttribute('data-verdict', 'accepted');
    await expect(app.loginRow(loginId)).toContainText(alice.nameId);
    await app.screenshot('07-logins-list');

    await app.navigate('#/accounts');
    const account = app.accountRow(alice.nameId);
    await expect(account).toHaveCount(1);
    await expect(account.getByTestId('account-email')).toHaveText(first(alice, 'email'));
    await expect(account.getByTestId('account-login-count')).toHaveText('1');
    for (const group of alice.attributes.groups ?? []) await expect(account.getByTestId('account-groups')).toContainText(group);
    await app.screenshot('08-accounts');

    await app.navigate('#/idps');
    await expect(page.locator('[data-testid="idp-row"][data-active="true"]')).toHaveCount(1);
    await app.screenshot('09-idps');

    await app.navigate('#/sp');
    await expect(page.getByTestId('sp-acs-url')).toContainText('/saml/acs');
    await app.screenshot('10-sp');

    // Dark theme follows prefers-color-scheme, Monaco included.
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.navigate(`#/logins/${loginId}/xml`);
    await expect(page.locator('.monaco-editor.vs-dark')).toBeVisible();
    await app.screenshot('14-dark-login-xml');
    await app.navigate(`#/logins/${loginId}/diff`);
    await expect(app.diffRows.first()).toBeVisible();
    await app.screenshot('15-dark-login-diff');

    // Everything, Monaco included, came from the local server: no CDN.
    expect(external).toEqual([]);
  });

  test('changing one attribute at the IdP shows exactly that field changed on the next login', async ({ app, demoIdp }) => {
    const alice = demoUser('alice');
    await signInThroughUi(app, demoIdp, 'alice');
    const newLastName = `${first(alice, 'sn')}-Lee`;

    const secondId = await signInThroughUi(app, demoIdp, 'alice', { sn: newLastName });

    await app.openLoginTab('diff');
    await expect(app.diffKind).toHaveAttribute('data-kind', 'updated');
    const diff = await app.diffTable();
    const fields = expectedFields(alice);
    expect(diff.lastName).toEqual({ change: 'changed', before: fields.lastName, after: newLastName });
    const others = Object.entries(diff).filter(([field]) => field !== 'lastName');
    expect(others.length).toBeGreaterThanOrEqual(4);
    for (const [field, row] of others) expect(row.change, `${field} should be unchanged`).toBe('unchanged');
    await app.screenshot('11-login-diff-updated');

    await app.navigate('#/accounts');
    await expect(app.accountRow(alice.nameId)).toHaveCount(1);
    await expect(app.accountRow(alice.nameId).getByTestId('account-login-count')).toHaveText('2');
    await expect(app.accountRow(alice.nameId).getByTestId('account-name')).toContainText(newLastName);
    await app.navigate(`#/logins/${secondId}`);
    await app.expectLoginDetail(secondId);
  });

  test('a tampered response is rejected with signature.valid failing and changes no account', async ({ app, request, baseURL }) => {
    const bob = demoUser('bob');
    // Bob signs in once for real, so there is an account that a forged login could change.
    const genuine = await postForm(request, await fetchIdpInitiatedForm(request, baseURL ?? '', 'bob'));
    expect(genuine.status(), await genuine.text()).toBe(200);

    await app.open('#/accounts');
    await expect(app.accountRows).toHaveCount(1);
    const accountsBefore = await app.accountRows.allInnerTexts();

    const form = await fetchIdpInitiatedForm(request, baseURL ?? '', 'bob');
    const xml = decodeSamlResponse(form.fields.SAMLResponse ?? '');
    const original = first(bob, 'sn');
    expect(attributeValues(xml)).toContain(original);
    const forged = replaceAttributeValue(xml, original, 'Mallory');
    const response = await postForm(request, { ...form, fields: { ...form.fields, SAMLResponse: encodeSamlResponse(forged) } });
    const body = await response.text();
    expect(response.status(), body).toBe(403);
    expect(body).toContain('data-verdict="rejected"');
    expect(body).toContain('signature.valid');

    await app.open('#/logins');
    const rejected = app.loginRowsWithVerdict('rejected');
    await expect(rejected).toHaveCount(1);
    await expect(app.loginRowsWithVerdict('accepted')).toHaveCount(1);
    await rejected.click();
    await app.expectLoginDetail();
    await expect(app.verdict).toHaveAttribute('data-verdict', 'rejected');
    const failing = app.checkRow('signature.valid');
    await expect(failing).toHaveAttribute('data-status', 'fail');
    await expect(failing).toBeVisible();
    await expect(failing.getByTestId('check-id')).toHaveText('signature.valid');
    await app.screenshot('12-login-summary-rejected');

    await app.openLoginTab('diff');
    await expect(app.diffKind).toHaveAttribute('data-kind', 'rejected');

    await app.navigate('#/accounts');
    await expect(app.accountRows).toHaveCount(1);
    expect(await app.accountRows.allInnerTexts()).toEqual(accountsBefore);
    await expect(app.accountRow(bob.nameId).getByTestId('account-name')).not.toContainText('Mallory');
  });

  test('an IdP-initiated login appears in the open app without a reload', async ({ app, page, request, baseURL }) => {
    const carol = demoUser('carol');
    await app.open('#/logins');
    await expect(page.getByTestId('logins-empty')).toBeVisible();
    await page.evaluate(() => {
      (window as unknown as { __notReloaded?: boolean }).__notReloaded = true;
    });

    const response = await postForm(request, await fetchIdpInitiatedForm(request, baseURL ?? '', 'carol'));
    expect(response.status(), await response.text()).toBe(200);

    await expect(app.loginRows).toHaveCount(1);
    await expect(app.loginRows.first()).toHaveAttribute('data-verdict', 'accepted');
    await expect(app.loginRows.first()).toContainText(carol.nameId);
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);

    await app.navigate('#/accounts');
    await expect(app.accountRow(carol.nameId)).toHaveCount(1);
  });
});
