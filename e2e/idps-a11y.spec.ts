// The Identity providers screen's states for axe (no serious/critical violation, light and dark) and the keyboard:
// import tabs with arrow keys, the aggregate list from the search box, rename with Enter/Escape.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { aggregateXml, IdpsPage, idpMetadataFile, labCertificates, startMetadataServer } from './pages/idps-page.ts';

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`);
}

test('IdP screen states pass axe in light and dark; the import is usable from the keyboard', async ({ page, request, baseURL }) => {
  test.setTimeout(120_000);
  const idps = new IdpsPage(page);
  const certs = await labCertificates(request, baseURL ?? '');
  const entityId = 'https://idp.a11y.example/';
  const server = await startMetadataServer({ '/md.xml': (n) => idpMetadataFile({ entityId, displayName: 'A11y IdP', signingCerts: [n === 1 ? certs.demo : certs.sp] }) });
  try {
    await idps.open('add');
    // Keyboard: the source tabs follow the arrow keys.
    await page.getByTestId('idp-import-tab-file').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('idp-import-tab-paste')).toBeFocused();
    await expect(page.getByTestId('idp-import-tab-paste')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('idp-import-editor').locator('.monaco-editor .view-lines')).toBeVisible();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('idp-import-tab-url')).toBeFocused();
    // Tab reaches the URL field; Enter submits.
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('idp-import-url')).toBeFocused();
    await page.keyboard.type(server.url('/md.xml'));
    await page.keyboard.press('Enter');
    await idps.expectImported(entityId);
    await idps.refresh();
    // The new signing key is shown and must be confirmed (axe checks the confirmation too).
    await expect(page.getByTestId('trust-change')).toBeVisible();
    expect(await seriousViolations(page), 'trust-change confirmation').toEqual([]);
    await page.getByTestId('trust-change-confirm').click();
    await expect(idps.refreshResult).toHaveAttribute('data-change-count', '2');
    await idps.detail.getByTestId('idp-remove').click();
    await expect(page.getByTestId('idp-remove-confirm-yes')).toBeFocused();

    const checks: { name: string; show: () => Promise<void> }[] = [
      { name: 'profile with warnings, refresh result and delete confirmation', show: async () => {} },
      {
        name: 'import: file with an error',
        show: async () => {
          await idps.startImport('file');
          await idps.chooseFile('login.xml', '<!DOCTYPE html><html><body>Sign in</body></html>');
          await expect(idps.importError).toBeVisible();
        },
      },
      {
        name: 'import: paste',
        show: async () => {
          await page.getByTestId('idp-import-tab-paste').click();
          await expect(page.getByTestId('idp-import-editor').locator('.monaco-editor .view-lines')).toBeVisible();
        },
      },
      {
        name: 'import: aggregate pick list',
        show: async () => {
          await page.getByTestId('idp-import-tab-file').click();
          await idps.chooseFile(
            'federation.xml',
            aggregateXml('urn:a11y', Array.from({ length: 40 }, (_, i) => ({ entityId: `https://idp${i}.fed.example/`, displayName: `Fed IdP ${i}`, signingCerts: [certs.demo] }))),
          );
          await expect(idps.aggregate).toBeVisible();
        },
      },
      {
        name: 'demo profile with login options',
        show: async () => {
          await idps.open('demo');
          await expect(idps.loginOptions).toBeVisible();
        },
      },
    ];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      if (scheme === 'dark') {
        await idps.open();
        await idps.select(entityId);
        await idps.refresh();
        await expect(idps.refreshResult).toBeVisible();
      }
      for (const check of checks) {
        await check.show();
        expect(await seriousViolations(page), `${check.name} (${scheme})`).toEqual([]);
        if (check.name.startsWith('profile') || check.name.includes('aggregate')) await idps.screenshot(`idps-a11y-${scheme}-${check.name.split(/[: ]/)[0]}${check.name.includes('aggregate') ? '-aggregate' : ''}`);
      }
    }

    // The aggregate list from the keyboard: type, arrow, Escape cancels back to the drop zone.
    await idps.open('add');
    await idps.chooseFile('federation.xml', aggregateXml('urn:a11y', [1, 2, 3].map((i) => ({ entityId: `https://k${i}.fed.example/`, signingCerts: [certs.demo] }))));
    await expect(idps.aggregateSearch).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(idps.aggregateOptions.nth(1)).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('idp-dropzone')).toBeVisible();
  } finally {
    await server.close();
  }
});
