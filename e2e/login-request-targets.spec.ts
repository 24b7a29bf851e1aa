// Issue 15.9 and 14.3 on the login detail: the AuthnRequest an SP-initiated login answered on its own tab, and
// "Would your SP accept this?" run on demand with progress while the libraries work.
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { fetchIdpInitiatedForm, parseSamlPostForm, postForm } from './support/saml-post.ts';

/** An SP-initiated login as a script does it: the lab's login URL, the demo IdP's page, its sign-in, the ACS. */
async function spInitiatedLogin(request: APIRequestContext, baseUrl: string, user: string): Promise<void> {
  const start = (await (await request.post(`${baseUrl}/api/logins.start`, { data: {} })).json()) as { value: { url: string } };
  const toIdp = await request.get(start.value.url, { maxRedirects: 0 });
  expect(toIdp.status()).toBe(302);
  const idpPage = await (await request.get(toIdp.headers().location!)).text();
  const requestId = new RegExp(`data-testid="demo-user-${user}"[\\s\\S]*?name="requestId" value="([^"]+)"`).exec(idpPage)?.[1];
  expect(requestId).toBeDefined();
  const autopost = await request.post(`${baseUrl}/demo-idp/login`, { form: { user, requestId: requestId! } });
  const form = parseSamlPostForm(await autopost.text(), `${baseUrl}/demo-idp/login`);
  expect((await postForm(request, form)).status()).toBe(200);
}

test('an SP-initiated login shows the request the SP sent, and real SP libraries’ verdicts on demand', async ({ app, page, request, lab }) => {
  // The external runners start an interpreter each: allow for a busy machine.
  test.setTimeout(240_000);
  await spInitiatedLogin(request, lab.url, 'alice');
  await app.open('#/logins');
  await app.loginRows.first().click();
  await app.expectLoginDetail();

  await app.openLoginTab('request');
  const requestTab = page.getByTestId('request-tab');
  await expect(requestTab).toHaveAttribute('data-binding', 'redirect');
  await expect(requestTab).toHaveAttribute('data-signed', 'false');
  await expect(page.getByTestId('request-binding')).toContainText('HTTP-Redirect');
  await expect(requestTab.locator('.view-lines')).toContainText('samlp:AuthnRequest');
  await app.screenshot('login-request-tab');

  await app.openLoginTab('targets');
  const tab = page.getByTestId('targets-tab');
  // The libraries run when the tab opens; progress is shown until they answer.
  await expect(tab).toHaveAttribute('data-state', /running|done/);
  await expect(tab).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  await expect(page.getByTestId('targets-row-lab')).toHaveAttribute('data-verdict', 'accepted');
  await expect(page.getByTestId('targets-row-node-saml')).toHaveAttribute('data-verdict', /accepted|rejected/);
  await expect(page.getByTestId('targets-row-samlify')).toHaveAttribute('data-verdict', /accepted|rejected/);
  await expect(page.getByTestId('targets-progress')).toHaveCount(0);
  await app.screenshot('login-targets-tab');

  // Back to another tab and here again: the answer is kept, not asked for again.
  await app.openLoginTab('summary');
  await app.openLoginTab('targets');
  await expect(tab).toHaveAttribute('data-state', 'done');
});

test('an IdP-initiated login says the SP sent no request', async ({ app, page, request, lab }) => {
  expect((await postForm(request, await fetchIdpInitiatedForm(request, lab.url, 'bob'))).status()).toBe(200);
  await app.open('#/logins');
  await app.loginRows.first().click();
  await app.expectLoginDetail();
  await app.openLoginTab('request');
  await expect(page.getByTestId('request-none')).toContainText('IdP-initiated');
});
