// The app's own screens (served at / in browser mode).
import { expect, type Locator, type Page } from '@playwright/test';

export type LoginTab = 'summary' | 'checks' | 'xml' | 'attributes' | 'diff' | 'raw' | 'targets' | 'request';

export class AppPage {
  readonly page: Page;
  readonly root: Locator;
  readonly signInButton: Locator;
  readonly activeIdp: Locator;
  readonly loginRows: Locator;
  readonly loginDetail: Locator;
  readonly verdict: Locator;
  readonly checkRows: Locator;
  readonly diffRows: Locator;
  readonly diffKind: Locator;
  readonly accountRows: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('app');
    this.signInButton = page.getByTestId('sign-in');
    this.activeIdp = page.getByTestId('active-idp');
    this.loginRows = page.getByTestId('login-row');
    this.loginDetail = page.getByTestId('login-detail');
    this.verdict = page.getByTestId('verdict');
    this.checkRows = page.getByTestId('check-row');
    this.diffRows = page.getByTestId('diff-row');
    this.diffKind = page.getByTestId('diff-kind');
    this.accountRows = page.getByTestId('account-row');
  }

  /** Opens the app at a hash route (e.g. `#/accounts`) and waits until its first data has loaded. */
  async open(hash = '#/logins'): Promise<void> {
    await this.page.goto(`/${hash}`);
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await expect(this.root).toHaveAttribute('data-app-state', 'ready');
  }

  /** Same-document navigation (no reload), like clicking a link. */
  async navigate(hash: string): Promise<void> {
    await this.page.evaluate((h) => {
      window.location.hash = h;
    }, hash);
  }

  loginRow(id: string): Locator {
    return this.page.locator(`[data-testid="login-row"][data-login-id="${id}"]`);
  }

  loginRowsWithVerdict(verdict: 'accepted' | 'rejected'): Locator {
    return this.page.locator(`[data-testid="login-row"][data-verdict="${verdict}"]`);
  }

  async openLoginTab(tab: LoginTab): Promise<void> {
    await this.page.getByTestId(`tab-${tab}`).click();
    await expect(this.page.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
  }

  /** Waits until the detail of a login has loaded. */
  async expectLoginDetail(id?: string): Promise<void> {
    await expect(this.loginDetail).toHaveAttribute('data-loaded', 'true');
    if (id !== undefined) await expect(this.loginDetail).toHaveAttribute('data-login-id', id);
  }

  checkRow(id: string): Locator {
    return this.page.locator(`[data-testid="check-row"][data-check-id="${id}"]`);
  }

  diffRow(field: string): Locator {
    return this.page.locator(`[data-testid="diff-row"][data-field="${field}"]`);
  }

  accountRow(principal: string): Locator {
    return this.page.locator(`[data-testid="account-row"][data-principal="${principal}"]`);
  }

  /** Every diff row as field → { change, after }. */
  async diffTable(): Promise<Record<string, { change: string; before: string; after: string }>> {
    await expect(this.page.getByTestId('diff')).toBeVisible();
    const rows = await this.diffRows.all();
    const table: Record<string, { change: string; before: string; after: string }> = {};
    for (const row of rows) {
      const field = (await row.getAttribute('data-field')) ?? '';
      table[field] = {
        change: (await row.getAttribute('data-change')) ?? '',
        before: (await row.getByTestId('diff-before').innerText()).trim(),
        after: (await row.getByTestId('diff-after').innerText()).trim(),
      };
    }
    return table;
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `e2e/artifacts/${name}.png`, fullPage: true });
  }
}
