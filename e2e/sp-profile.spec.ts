// The Service provider screen: choosing an SP profile shows the knobs it sets and applies them (the settings form
// follows), and "Download SP metadata" saves the metadata the IdP's console asks for.
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures.ts';

test('an SP profile is picked with its knobs shown, and applied; the SP metadata downloads', async ({ page, lab }) => {
  await page.goto('/#/sp');
  await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
  const select = page.getByTestId('sp-profile-select');
  await expect(select).toHaveValue('lab');
  await expect(page.getByTestId('sp-profile-apply')).toBeDisabled();

  // Choosing shows the knobs before anything is applied.
  await select.selectOption('gitlab');
  await expect(page.getByTestId('sp-profile-description')).not.toBeEmpty();
  await expect(page.getByTestId('sp-profile-knob').first()).toBeVisible();
  const before = (await (await page.request.post(`${lab.url}/api/sp.get`, { data: {} })).json()) as { value: { spProfile: string } };
  expect(before.value.spProfile).toBe('lab');
  const profiles = (await (await page.request.post(`${lab.url}/api/sp.profiles`, { data: {} })).json()) as {
    value: { id: string; knobs: Record<string, string> }[];
  };
  const gitlab = profiles.value.find((p) => p.id === 'gitlab');
  expect(gitlab).toBeDefined();
  await expect(page.getByTestId('sp-profile-knob')).toHaveCount(Object.keys(gitlab!.knobs).length);
  for (const [knob, value] of Object.entries(gitlab!.knobs)) {
    await expect(page.locator(`[data-testid=sp-profile-knob][data-knob="${knob}"]`)).toContainText(value);
  }

  await page.getByTestId('sp-profile-apply').click();
  await expect(page.getByTestId('sp-profile-saved')).toContainText('judged as');
  const after = (await (await page.request.post(`${lab.url}/api/sp.get`, { data: {} })).json()) as {
    value: { spProfile: string; clockSkewSeconds: number; signaturePolicy: string };
  };
  expect(after.value.spProfile).toBe('gitlab');
  // The settings form shows what the profile set.
  await expect(page.getByTestId('sp-skew')).toHaveValue(String(after.value.clockSkewSeconds));
  await expect(page.getByTestId('sp-signature-policy')).toHaveValue(after.value.signaturePolicy);
  await expect(page.getByTestId('sp-profile-apply')).toBeDisabled();
  await page.screenshot({ path: 'e2e/artifacts/sp-profile.png', fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sp-download-metadata').click()]);
  expect(download.suggestedFilename()).toMatch(/\.xml$/);
  const xml = await readFile((await download.path())!, 'utf8');
  expect(xml).toContain('SPSSODescriptor');
  expect(xml).toContain(`Location="${lab.url}/saml/acs"`);
});
