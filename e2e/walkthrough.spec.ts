// The setup guide, as a first-time user meets it: the landing screen of an empty lab, SP values with copy buttons and
// vendor notes, a test login through the demo IdP, and the result — all without reading any docs.
import { expect, test } from './fixtures.ts';
import { decodeSamlResponse, encodeSamlResponse, fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

test.describe('setup guide', () => {
  test('a first-time user reaches a verified login (step 5) with the demo IdP', async ({ app, walkthrough, demoIdp, page, lab, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: lab.url });
    // No hash, no logins: the guide is the landing screen.
    await page.goto('/');
    await app.waitReady();
    await expect(walkthrough.root).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up SAML SSO with JIT provisioning');

    await walkthrough.expectState('idp', 'done');
    await walkthrough.expectState('sp', 'done');
    await walkthrough.expectState('test', 'todo');
    await walkthrough.expectState('result', 'todo');
    await expect(walkthrough.stateLabel('result')).toHaveText('Not started');
    // Export is optional and never marked done by the guide; it leads to the Export screen.
    await expect(walkthrough.stateLabel('export')).toHaveText('Optional');
    await expect(walkthrough.step('export')).toHaveAttribute('data-state', 'todo');
    await expect(walkthrough.progress).toContainText('2 of 5 required steps done');
    // The step to do next is open: the test login, with a hint that it will show up live.
    await expect(walkthrough.body('test')).toBeVisible();
    await expect(page.getByTestId('walkthrough-waiting')).toContainText('Waiting for the first login');
    await app.screenshot('20-walkthrough-start');

    // Step 2: the values to paste, a working metadata link, copy buttons, vendor notes.
    await walkthrough.expand('sp');
    const acsUrl = `${lab.url}/saml/acs`;
    await expect(page.getByTestId('walkthrough-acs-url')).toHaveText(acsUrl);
    const entityId = (await page.getByTestId('walkthrough-entity-id').innerText()).trim();
    expect(entityId.length).toBeGreaterThan(0);
    await page.getByTestId('copy-walkthrough-acs-url').click();
    await expect(page.getByTestId('copy-walkthrough-acs-url')).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(acsUrl);
    const metadataHref = await page.getByTestId('walkthrough-metadata-link').getAttribute('href');
    expect(metadataHref).toBe(`${lab.url}/saml/metadata`);
    const metadata = await page.request.get(metadataHref ?? '');
    expect(await metadata.text()).toContain(`entityID="${entityId}"`);
    const okta = await walkthrough.chooseVendor('Okta');
    await expect(okta).toContainText('Audience URI (SP Entity ID)');
    await expect(okta).toContainText(acsUrl);
    const entra = await walkthrough.chooseVendor('Entra ID');
    await expect(entra).toContainText('Reply URL (Assertion Consumer Service URL)');
    // Arrow keys move between vendors, as in any tab list.
    await page.getByRole('tab', { name: 'Entra ID' }).press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Google Workspace' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('vendor-notes')).toContainText('ACS URL');
    for (const vendor of ['Keycloak', 'AD FS']) {
      const notes = await walkthrough.chooseVendor(vendor);
      await expect(notes).toContainText(entityId);
    }
    await app.screenshot('21-walkthrough-sp-values');

    // Step 3 shows the default mapping until a rules screen exists.
    await walkthrough.expand('mapping');
    await expect(page.getByTestId('default-mapping')).toContainText('emailaddress');
    await expect(page.locator('[data-testid="mapping-row"][data-field="groups"]')).toContainText('memberOf');

    // Step 4: one click to the demo IdP, one to sign in; the result page leads back to the app.
    await walkthrough.expand('test');
    await page.getByTestId('walkthrough-sign-in').click();
    await demoIdp.expectLoaded('alice');
    await demoIdp.signInAs('alice');
    await demoIdp.expectVerdict('accepted');
    await demoIdp.goBackToApp();
    await app.waitReady();
    await page.getByTestId('nav-start').click();

    await walkthrough.expectState('test', 'done');
    await walkthrough.expectState('result', 'done');
    await walkthrough.expectState('mapping', 'done');
    await expect(walkthrough.progress).toContainText('5 of 5 required steps done');
    await expect(page.getByTestId('walkthrough-result')).toHaveAttribute('data-verdict', 'accepted');
    await expect(page.getByTestId('walkthrough-result')).toContainText('created the account');
    await expect(page.getByTestId('walkthrough-verdict')).toHaveText('Accepted');
    await walkthrough.expand('mapping');
    await expect(page.locator('[data-testid="mapping-row"][data-field="email"]')).toContainText('alice@example.com');
    await app.screenshot('22-walkthrough-done');

    await walkthrough.expand('export');
    await page.getByTestId('walkthrough-export-link').click();
    await expect(page).toHaveURL(/#\/export$/);

    // Once a login exists, the landing screen is the logins list.
    await app.open('#/');
    await expect(page.getByTestId('logins-screen')).toBeVisible();
  });

  test('a rejected login turns step 5 to "needs attention" live, with the failing check and its fix', async ({ app, walkthrough, page, request, baseURL }) => {
    await app.open('#/start');
    await walkthrough.expectState('result', 'todo');

    const form = await fetchIdpInitiatedForm(request, baseURL ?? '', 'bob');
    const forged = decodeSamlResponse(form.fields.SAMLResponse ?? '').replace('bob@example.com', 'mallory@example.com');
    const response = await postForm(request, { ...form, fields: { ...form.fields, SAMLResponse: encodeSamlResponse(forged) } });
    expect(response.status()).toBe(403);

    await walkthrough.expectState('result', 'attention');
    await expect(walkthrough.stateLabel('result')).toHaveText('Needs attention');
    await expect(walkthrough.body('result')).toBeVisible();
    const failing = page.getByTestId('walkthrough-failing').locator('[data-check-id="signature.valid"]');
    await expect(failing).toContainText('Every signature verifies');
    await expect(failing.locator('.hint')).not.toBeEmpty();
    await expect(page.getByTestId('walkthrough-result')).toContainText('mallory@example.com');
    await expect(page.getByTestId('walkthrough-result')).toContainText('unverified');
    await app.screenshot('23-walkthrough-rejected');

    await page.getByTestId('walkthrough-open-login').click();
    await app.expectLoginDetail();
    await expect(app.verdict).toHaveAttribute('data-verdict', 'rejected');
  });
});
