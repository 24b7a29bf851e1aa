// The setup guide (#/start, and the landing screen while there are no logins).
import { expect, type Locator, type Page } from '@playwright/test';

export type StepId = 'idp' | 'sp' | 'mapping' | 'test' | 'result' | 'export';
export type StepState = 'done' | 'attention' | 'todo';

export class WalkthroughPage {
  readonly page: Page;
  readonly root: Locator;
  readonly progress: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('walkthrough');
    this.progress = page.getByTestId('walkthrough-progress');
  }

  step(id: StepId): Locator {
    return this.page.getByTestId(`step-${id}`);
  }

  async expectState(id: StepId, state: StepState): Promise<void> {
    await expect(this.step(id)).toHaveAttribute('data-state', state);
  }

  /** The badge text a user reads next to the step title. */
  stateLabel(id: StepId): Locator {
    return this.step(id).getByTestId('step-state');
  }

  body(id: StepId): Locator {
    return this.step(id).getByTestId('step-body');
  }

  /** Opens a step if it is closed. */
  async expand(id: StepId): Promise<void> {
    const toggle = this.step(id).locator('.step-toggle');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await expect(this.body(id)).toBeVisible();
  }

  async chooseVendor(name: string): Promise<Locator> {
    await this.body('sp').getByRole('tab', { name }).click();
    const panel = this.page.getByTestId('vendor-notes');
    await expect(panel).toBeVisible();
    return panel;
  }
}
