// The lab from a spec's side, without the UI: a demo IdP login through the real ACS, and a contract call over the
// browser-mode API. Both assert success, so a setup step that fails says so where it failed.
import { expect, type APIRequestContext } from '@playwright/test';
import { fetchIdpInitiatedForm, postForm } from './saml-post.ts';

/** An IdP-initiated login of a demo user, posted to the ACS; the ACS must answer 200. */
export async function loginAs(request: APIRequestContext, baseUrl: string, user: string): Promise<void> {
  const res = await postForm(request, await fetchIdpInitiatedForm(request, baseUrl, user));
  expect(res.status()).toBe(200);
}

/** `POST /api/<method>`; resolves with the value, fails the test with the lab's message otherwise. */
export async function call<T>(request: APIRequestContext, baseUrl: string, method: string, input: unknown = {}): Promise<T> {
  const res = await request.post(`${baseUrl}/api/${method}`, { data: input });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  expect(body.ok, body.error?.message).toBe(true);
  return body.value;
}
