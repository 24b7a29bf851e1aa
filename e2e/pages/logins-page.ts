// The logins view (#/logins): filters, search, the virtualized grid and its keyboard, comparison marks.
import { expect, type Locator, type Page } from '@playwright/test';

export class LoginsPage {
  readonly page: Page;
  readonly grid: Locator;
  readonly rows: Locator;
  readonly count: Locator;
  readonly search: Locator;
  readonly idpFilter: Locator;
  readonly userFilter: Locator;
  readonly clearFilters: Locator;
  readonly noMatch: Locator;

  constructor(page: Page) {
    this.page = page;
    this.grid = page.getByRole('grid', { name: /Logins/ });
    this.rows = page.getByTestId('login-row');
    this.count = page.getByTestId('logins-count');
    this.search = page.getByTestId('filter-search');
    this.idpFilter = page.getByTestId('filter-idp');
    this.userFilter = page.getByTestId('filter-user');
    this.clearFilters = page.getByTestId('filter-clear');
    this.noMatch = page.getByTestId('logins-no-match');
  }

  verdictFilter(verdict: 'all' | 'accepted' | 'rejected'): Locator {
    return this.page.getByTestId(`filter-${verdict}`);
  }

  /** The row the keyboard is on. */
  activeRow(): Locator {
    return this.page.locator('[data-testid="login-row"][data-active="true"]');
  }

  row(id: string): Locator {
    return this.page.locator(`[data-testid="login-row"][data-login-id="${id}"]`);
  }

  /** How many logins the grid holds (not how many rows are rendered: it is virtualized). */
  async expectTotal(n: number): Promise<void> {
    await expect(this.grid).toHaveAttribute('data-row-count', String(n));
  }

  /** The user column of every rendered row. */
  async renderedUsers(): Promise<string[]> {
    return (await this.rows.getByTestId('login-user').allInnerTexts()).map((t) => t.trim());
  }

  async mark(id: string): Promise<void> {
    await this.row(id).getByTestId('login-mark').check();
  }
}
