// Two logins side by side (#/compare/<a>/<b>).
import { expect, type Locator, type Page } from '@playwright/test';

export type CompareSection = 'attributes' | 'checks' | 'diff';

export class ComparePage {
  readonly page: Page;
  readonly root: Locator;
  readonly summary: Locator;
  readonly onlyDifferences: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('compare');
    this.summary = page.getByTestId('compare-summary');
    this.onlyDifferences = page.getByTestId('compare-only-differences');
  }

  async expectLoaded(): Promise<void> {
    await expect(this.root).toHaveAttribute('data-loaded', 'true');
  }

  section(name: CompareSection): Locator {
    return this.page.getByTestId(`compare-${name}`);
  }

  row(section: CompareSection, key: string): Locator {
    return this.section(section).locator(`[data-testid="compare-row"][data-key="${key}"]`);
  }

  /** The A and B cells of a row, as text. */
  async sides(section: CompareSection, key: string): Promise<[string, string]> {
    const cells = this.row(section, key).locator('td');
    return [(await cells.nth(0).innerText()).trim(), (await cells.nth(1).innerText()).trim()];
  }

  head(side: 'a' | 'b'): Locator {
    return this.page.getByTestId(`compare-head-${side}`);
  }
}
