// Accessibility: axe-core on every main screen, light and dark. No serious or critical violation is allowed.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { encryptedLogin, seedLogins } from './support/seed.ts';
import { fetchIdpInitiatedForm, postForm } from './support/saml-post.ts';

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`);
}

test.describe('accessibility (axe)', () => {
  test('the setup guide of an empty lab', async ({ app, walkthrough, page }) => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await app.open('#/start');
      await walkthrough.expand('sp');
      await expect(page.getByTestId('vendor-notes')).toBeVisible();
      expect(await seriousViolations(page), `setup guide (${scheme})`).toEqual([]);
      await app.open('#/logins');
      await expect(page.getByTestId('logins-empty')).toBeVisible();
      expect(await seriousViolations(page), `empty logins (${scheme})`).toEqual([]);
    }
  });

  test.describe('with logins', () => {
    test.use({ seed: { logins: [...seedLogins({ count: 40 }), encryptedLogin()] } });

    test('every main screen, light and dark', async ({ app, page, request, baseURL }) => {
      // 16 screens × 2 schemes of axe runs: far more work than one interaction test.
      test.setTimeout(240_000);
      expect((await postForm(request, await fetchIdpInitiatedForm(request, baseURL ?? '', 'alice'))).status()).toBe(200);
      await app.open('#/logins');
      await expect(app.loginRows.first()).toContainText('alice@example.com');
      const [newest, second] = await app.loginRows.evaluateAll((rows) => rows.slice(0, 2).map((r) => r.getAttribute('data-login-id') ?? ''));
      await app.navigate('#/accounts');
      const accountId = await app.accountRows.first().getAttribute('data-account-id');
      const screens: { hash: string; ready: string }[] = [
        { hash: '#/start', ready: 'walkthrough' },
        { hash: '#/logins', ready: 'logins-list' },
        { hash: `#/logins/${newest}`, ready: 'summary' },
        { hash: `#/logins/${newest}/checks`, ready: 'checks-list' },
        { hash: `#/logins/${newest}/xml`, ready: 'signed-legend' },
        { hash: `#/logins/encrypted-1/xml`, ready: 'signed-legend' },
        { hash: `#/logins/${newest}/attributes`, ready: 'attributes-list' },
        { hash: `#/logins/${newest}/diff`, ready: 'diff-list' },
        { hash: `#/logins/${newest}/raw`, ready: 'raw' },
        { hash: `#/compare/${second}/${newest}`, ready: 'compare-summary' },
        { hash: '#/accounts', ready: 'accounts-list' },
        { hash: `#/accounts/${accountId}`, ready: 'account-detail' },
        { hash: '#/rules', ready: 'rules-screen' },
        { hash: '#/export', ready: 'export-screen' },
        { hash: '#/idps', ready: 'idps-list' },
        { hash: '#/sp', ready: 'sp-entity-id' },
      ];
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const screen of screens) {
          await app.navigate(screen.hash);
          await expect(page.getByTestId(screen.ready).first()).toBeVisible();
          // Monaco is lazy: wait for it wherever a screen has one, so its token colours are always checked.
          if (screen.hash.endsWith('/xml') || screen.hash === '#/export') await expect(page.locator('.monaco-editor .view-lines').first()).toBeVisible();
          expect(await seriousViolations(page), `${screen.hash} (${scheme})`).toEqual([]);
        }
      }
      await app.navigate('#/logins');
      await expect(app.loginRows.first()).toBeVisible();
      await app.screenshot('70-dark-logins');
      await app.navigate('#/start');
      await expect(page.getByTestId('walkthrough')).toBeVisible();
      await app.screenshot('71-dark-walkthrough');
    });
  });
});
