// Issue 15.5: the logins list names the failing check (its title), not only "1 failed".
import { expect, test } from './fixtures.ts';
import { fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

test('a rejected login in the list says which check failed', async ({ app, page, request, lab }) => {
  const form = await fetchIdpInitiatedForm(request, lab.url, 'alice');
  await request.post(`${lab.url}/api/sp.update`, { data: { entityId: 'https://sp.changed.example/' } });
  expect((await postForm(request, form)).status()).toBe(403);
  await app.open('#/logins');
  await expect(page.getByTestId('login-failure').first()).toHaveText(/^\s*Audience is this SP$/);
  await app.screenshot('logins-failure-title');
});
