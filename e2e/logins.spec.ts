// The logins view with 10,000 stored logins: virtualized grid, filters by verdict / IdP / user, free-text search,
// keyboard navigation. Counts are checked against the seeded data itself.
import { expect, test } from './fixtures.ts';
import { OTHER_IDP, seedLogins } from './support/seed.ts';

const seed = seedLogins({ count: 10_000 });
const total = seed.length;
const rejected = seed.filter((l) => l.verdict === 'rejected');
const fromOther = seed.filter((l) => l.idpEntityId === OTHER_IDP);
const unknownIssuer = seed.filter((l) => l.idpEntityId === null);
const newestFirst = [...seed].reverse();
const fmt = (n: number): string => n.toLocaleString('en-US');

test.use({ seed: { logins: seed } });

test.describe('logins view', () => {
  test('10,000 logins: only the visible rows exist, the keyboard walks them and Enter opens one', async ({ app, logins, page }) => {
    await app.open('#/logins');
    await logins.expectTotal(total);
    await expect(logins.count).toHaveText(`${fmt(total)} logins`);
    const rendered = await logins.rows.count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);
    await expect(logins.rows.first()).toHaveAttribute('data-login-id', newestFirst[0]?.id ?? '');
    await app.screenshot('30-logins-10000');

    await logins.grid.focus();
    await expect(logins.activeRow()).toHaveAttribute('data-login-id', newestFirst[0]?.id ?? '');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(logins.activeRow()).toHaveAttribute('data-login-id', newestFirst[2]?.id ?? '');
    // End reaches the oldest login, 10,000 rows down, by scrolling the window of rendered rows.
    await page.keyboard.press('End');
    await expect(logins.activeRow()).toHaveAttribute('data-login-id', newestFirst[total - 1]?.id ?? '');
    await expect(logins.activeRow()).toBeInViewport();
    expect(await logins.rows.count()).toBeLessThan(80);
    await page.keyboard.press('PageUp');
    await page.keyboard.press('ArrowUp');
    const target = await logins.activeRow().getAttribute('data-login-id');
    expect(target).not.toBeNull();
    await page.keyboard.press('Enter');
    await app.expectLoginDetail(target ?? '');

    // Back to the list: the same row is still the active one, and in view.
    await page.goBack();
    await expect(logins.activeRow()).toHaveAttribute('data-login-id', target ?? '');
    await expect(logins.activeRow()).toBeInViewport();
  });

  test('filters by verdict, IdP and user, and free-text search, narrow the list and say how many match', async ({ app, logins, page }) => {
    await app.open('#/logins');
    await logins.expectTotal(total);

    await logins.verdictFilter('rejected').click();
    await expect(logins.verdictFilter('rejected')).toHaveAttribute('aria-pressed', 'true');
    await logins.expectTotal(rejected.length);
    await expect(logins.count).toHaveText(`${fmt(rejected.length)} of ${fmt(total)} logins`);
    for (const row of await logins.rows.all()) await expect(row).toHaveAttribute('data-verdict', 'rejected');
    // Rejected logins show who they claimed to be, marked unverified.
    await expect(logins.rows.first()).toContainText('unverified');
    await logins.verdictFilter('all').click();

    await logins.idpFilter.selectOption(OTHER_IDP);
    await logins.expectTotal(fromOther.length);
    for (const idp of await logins.rows.getByTestId('login-idp').allInnerTexts()) expect(idp).toBe(OTHER_IDP);
    await logins.idpFilter.selectOption({ label: 'Unknown issuer' });
    await logins.expectTotal(unknownIssuer.length);
    await logins.idpFilter.selectOption('');

    await logins.userFilter.fill('user007@');
    const user7 = seed.filter((l) => (l.nameId ?? l.claimedNameId) === 'user007@example.com');
    await logins.expectTotal(user7.length);
    for (const user of await logins.renderedUsers()) expect(user).toBe('user007@example.com');

    // Search words must all match: this user's logins that failed the audience check.
    await logins.search.fill('audience rejected');
    const both = user7.filter((l) => l.verdict === 'rejected' && l.checks.some((c) => c.id === 'audience' && c.status === 'fail'));
    await logins.expectTotal(both.length);
    await app.screenshot('31-logins-filtered');

    await logins.search.fill('no-such-thing-anywhere');
    await expect(logins.noMatch).toContainText('No logins match these filters');
    await logins.noMatch.getByRole('button', { name: 'Clear filters' }).click();
    await logins.expectTotal(total);
    await expect(logins.search).toHaveValue('');

    // "/" jumps to the search; Escape clears it; ArrowDown goes to the list.
    await logins.grid.focus();
    await page.keyboard.press('/');
    await expect(logins.search).toBeFocused();
    await page.keyboard.type('user123@');
    await logins.expectTotal(seed.filter((l) => (l.nameId ?? l.claimedNameId) === 'user123@example.com').length);
    await page.keyboard.press('Escape');
    await expect(logins.search).toHaveValue('');
    await page.keyboard.press('ArrowDown');
    await expect(logins.grid).toBeFocused();
  });
});
