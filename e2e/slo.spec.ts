// Single Logout in browser mode, against the real `saml-jit-lab serve`: sign in through the demo IdP, log the session
// out from the Sessions screen (a signed LogoutRequest to the demo IdP, its LogoutResponse verified at /saml/slo),
// come back to the app and see the LogoutResponse's checks and the ended session.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

/** Serious or critical axe findings on the page (none allowed, as for every main screen). */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const SLO_CHECKS = ['slo.message', 'slo.issuer', 'slo.signature', 'slo.destination', 'slo.in-response-to', 'slo.status'];

test('log in, log out from the Sessions screen, see the LogoutResponse checks', async ({ app, lab, page, request }) => {
  // The login: the demo IdP's IdP-initiated response posted to the ACS, as a script would (the demo IdP's front door
  // refuses sign-ins a browser starts from a link).
  const acs = await postForm(request, await fetchIdpInitiatedForm(request, lab.url, 'alice'));
  expect(acs.status()).toBe(200);
  await app.open();
  await page.getByTestId('nav-sessions').click();
  const live = page.locator('[data-testid="sessions-live"] [data-testid="session-row"]');
  await expect(live).toHaveCount(1);
  await expect(live).toContainText('alice@example.com');
  const sessionId = await live.getAttribute('data-session-id');
  expect(await seriousViolations(page)).toEqual([]);

  await live.getByTestId('session-logout').click();
  // The lab's /saml/slo result page, after the round trip through the demo IdP.
  const result = page.locator('[data-testid="slo-result"]');
  await expect(result).toHaveAttribute('data-verdict', 'accepted');
  await expect(page.getByTestId('slo-session')).toHaveAttribute('data-state', 'ended');
  await page.getByTestId('back-to-app').click();
  await app.waitReady();

  const detail = page.getByTestId('slo-detail');
  await expect(detail).toHaveAttribute('data-verdict', 'accepted');
  const rows = detail.getByTestId('check-row');
  await expect(rows).toHaveCount(SLO_CHECKS.length);
  for (const id of SLO_CHECKS) await expect(detail.locator(`[data-check-id="${id}"]`)).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('sessions-empty')).toBeVisible();
  await expect(page.locator(`[data-testid="sessions-ended"] [data-session-id="${sessionId}"]`)).toHaveAttribute('data-ended-by', 'sp-logout');
  expect(await seriousViolations(page)).toEqual([]);
});
