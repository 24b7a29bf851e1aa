// Issue 15.10's rough edges a reviewer saw: a favicon (no 404), toasts above the footer, and no white fieldset
// border in dark mode.
import { expect, test } from './fixtures.ts';

test('the page has a favicon that is served', async ({ app, page, lab }) => {
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 404) missing.push(r.url());
  });
  await app.open('#/logins');
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).not.toBeNull();
  const icon = await page.request.get(new URL(href!, `${lab.url}/`).toString());
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  expect(missing).toEqual([]);
});

test('dark mode: fieldsets have the theme’s border, not a white one; toasts sit above the footer', async ({ app, page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.open('#/rules');
  const fieldset = page.locator('fieldset').first();
  await expect(fieldset).toBeVisible();
  const colors = await fieldset.evaluate((el) => {
    const probe = document.createElement('div');
    probe.style.color = 'var(--border)';
    document.body.append(probe);
    const border = getComputedStyle(probe).color;
    probe.remove();
    return { fieldset: getComputedStyle(el).borderTopColor, theme: border };
  });
  expect(colors.fieldset).toBe(colors.theme);
  const bottoms = await page.evaluate(() => {
    const toasts = document.querySelector('.toasts');
    const footer = document.querySelector('.footer');
    return { toasts: toasts ? parseFloat(getComputedStyle(toasts).bottom) : -1, footer: footer ? footer.getBoundingClientRect().height : -1 };
  });
  expect(bottoms.footer).toBeGreaterThan(0);
  expect(bottoms.toasts).toBeGreaterThanOrEqual(bottoms.footer);
});
