// Login detail tabs against real logins from the demo IdP (and one stored encrypted login): what a person reads on
// each tab — failing checks first with their fix, expected vs received, the XML with its signed elements marked,
// attribute name formats, the raw post.
import { expect, test } from './fixtures.ts';
import { encryptedLogin } from './support/seed.ts';
import { decodeSamlResponse, encodeSamlResponse, parseSamlPostForm, postForm } from './support/saml-post.ts';

test.describe('login detail', () => {
  test('an accepted login: every tab, signed elements marked as verified, the raw post as sent', async ({ app, page, request, lab }) => {
    const initiate = `${lab.url}/demo-idp/initiate?user=alice&RelayState=${encodeURIComponent('/after-login?x=1')}`;
    const form = parseSamlPostForm(await (await request.get(initiate)).text(), initiate);
    expect((await postForm(request, form)).status()).toBe(200);

    await app.open('#/logins');
    await app.loginRows.first().click();
    await app.expectLoginDetail();
    await expect(page.getByTestId('detail-user')).toHaveText('alice@example.com');
    await expect(page.getByTestId('summary')).toContainText('Login accepted');

    // The tab list follows the keyboard, as a tab list should.
    await page.getByTestId('tab-summary').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('tab-checks')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('tab-checks')).toBeFocused();
    const all = await app.checkRows.count();
    expect(all).toBeGreaterThan(10);
    await expect(app.checkRow('audience').getByTestId('check-expected')).not.toHaveText('—');
    await expect(app.checkRow('audience').getByTestId('check-received')).not.toHaveText('—');
    // An IdP-initiated login is unsolicited: in-response-to warns. "Failed and warnings" keeps only that kind.
    await page.getByTestId('checks-problems').click();
    await expect(app.checkRow('in-response-to')).toHaveAttribute('data-status', 'warn');
    await expect(app.checkRow('in-response-to').getByTestId('check-hint')).not.toBeEmpty();
    await expect(page.locator('[data-testid="check-row"][data-status="pass"]')).toHaveCount(0);
    expect(await app.checkRows.count()).toBeLessThan(all);

    await app.openLoginTab('xml');
    const signed = page.getByTestId('signed-element');
    await expect(signed.first()).toBeVisible();
    for (const element of await signed.all()) {
      await expect(element).toHaveAttribute('data-state', 'verified');
      await expect(element).toContainText('signature verified');
    }
    const editor = page.getByTestId('xml-viewer').locator('.monaco-editor');
    await expect(editor.locator('.view-lines')).toContainText(/<samlp?:Response\b/);
    await expect(editor.locator('.signed-gutter.signed-verified').first()).toBeVisible();
    await expect(editor.locator('.signed-label-verified').first()).toBeVisible();
    // Folding works: the gutter has fold controls.
    await expect(editor.locator('.codicon-folding-expanded').first()).toBeVisible();
    await app.screenshot('40-login-xml-signed');

    await app.openLoginTab('attributes');
    const email = page.locator('[data-testid="attribute-row"][data-name="email"]');
    await expect(email.getByTestId('attribute-values')).toHaveText('alice@example.com');
    await expect(email.getByTestId('attribute-format')).not.toBeEmpty();

    await app.openLoginTab('raw');
    await expect(page.getByTestId('raw-method')).toHaveText('POST');
    await expect(page.getByTestId('raw-status')).toHaveText('HTTP 200');
    await expect(page.getByTestId('raw-relaystate')).toHaveText('/after-login?x=1');
    await expect(page.getByTestId('raw-saml-response')).toHaveText(form.fields.SAMLResponse ?? '');
    await app.screenshot('41-login-raw');
  });

  test('a rejected login: failing checks first with their fix, and the XML says which signature failed', async ({ app, page, request, lab }) => {
    const initiate = `${lab.url}/demo-idp/initiate?user=bob`;
    const form = parseSamlPostForm(await (await request.get(initiate)).text(), initiate);
    const forged = decodeSamlResponse(form.fields.SAMLResponse ?? '').replace('Brown', 'Mallory');
    expect((await postForm(request, { ...form, fields: { ...form.fields, SAMLResponse: encodeSamlResponse(forged) } })).status()).toBe(403);

    await app.open('#/logins');
    await app.loginRows.first().click();
    await app.expectLoginDetail();
    await expect(app.verdict).toHaveAttribute('data-verdict', 'rejected');
    await expect(page.getByTestId('detail-unverified')).toHaveText('claimed, unverified');
    const failing = page.getByTestId('summary-failing').getByTestId('check-row');
    await expect(failing.first()).toHaveAttribute('data-status', 'fail');
    await expect(failing.first().getByTestId('check-hint')).not.toBeEmpty();
    await expect(page.getByTestId('summary-failing').locator('[data-check-id="signature.valid"]')).toBeVisible();
    await expect(page.getByTestId('tab-checks').locator('.count')).not.toBeEmpty();

    await app.openLoginTab('checks');
    await page.getByTestId('checks-problems').click();
    for (const row of await app.checkRows.all()) expect(await row.getAttribute('data-status')).not.toBe('pass');

    await app.openLoginTab('xml');
    await expect(page.locator('[data-testid="signed-element"][data-state="failed"]')).toContainText('did NOT verify');
    await expect(page.locator('.monaco-editor .signed-gutter.signed-failed').first()).toBeVisible();
    await app.screenshot('42-login-xml-failed-signature');

    await app.openLoginTab('attributes');
    await expect(page.getByText('No attributes in this response')).toBeVisible();
  });
});

test.describe('login detail: encrypted assertion', () => {
  test.use({ seed: { logins: [encryptedLogin()] } });

  test('the XML tab opens on the decrypted view and switches to the response as received', async ({ app, page }) => {
    await app.open('#/logins/encrypted-1/xml');
    await app.expectLoginDetail('encrypted-1');
    const viewer = page.getByTestId('xml-viewer');
    await expect(viewer).toHaveAttribute('data-view', 'decrypted');
    await expect(page.getByTestId('xml-view-decrypted')).toHaveAttribute('aria-pressed', 'true');
    const lines = viewer.locator('.monaco-editor .view-lines');
    await expect(lines).toContainText('saml:Assertion');
    await expect(page.locator('[data-testid="signed-element"][data-element="saml:Assertion"]')).toBeVisible();
    await app.screenshot('43-login-xml-decrypted');

    await page.getByTestId('xml-view-received').click();
    await expect(viewer).toHaveAttribute('data-view', 'received');
    await expect(lines).toContainText('saml:EncryptedAssertion');
    await expect(lines).not.toContainText('saml:Assertion ');
    await expect(page.locator('[data-testid="signed-element"][data-element="saml:Assertion"]')).toHaveCount(0);
    await expect(page.locator('[data-testid="signed-element"][data-element="samlp:Response"]')).toBeVisible();
  });
});
