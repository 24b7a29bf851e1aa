// The built-in demo IdP's login page (/demo-idp/sso) and the ACS result page it leads to.
import { expect, type Locator, type Page } from '@playwright/test';

export class DemoIdpPage {
  readonly page: Page;
  readonly acsResult: Locator;
  readonly failedChecks: Locator;
  readonly backToApp: Locator;

  constructor(page: Page) {
    this.page = page;
    this.acsResult = page.getByTestId('acs-result');
    this.failedChecks = page.getByTestId('acs-failed-check');
    this.backToApp = page.getByTestId('back-to-app');
  }

  async expectLoaded(user: string): Promise<void> {
    await expect(this.page).toHaveURL(/\/demo-idp\/sso/);
    await expect(this.page.getByTestId(`demo-user-${user}`)).toBeVisible();
  }

  attributeInput(user: string, attribute: string): Locator {
    return this.page.getByTestId(`demo-attr-${user}-${attribute}`);
  }

  /** The user's editable attributes as shown on the page: attribute name → value (comma-separated if multi). */
  async attributes(user: string): Promise<Record<string, string>> {
    const inputs = await this.page.getByTestId(`demo-user-${user}`).locator('input[name^="attr:"]').all();
    const result: Record<string, string> = {};
    for (const input of inputs) {
      const name = (await input.getAttribute('name')) ?? '';
      result[name.slice('attr:'.length)] = await input.inputValue();
    }
    return result;
  }

  async setAttribute(user: string, attribute: string, value: string): Promise<void> {
    await this.attributeInput(user, attribute).fill(value);
  }

  /** Submits the user's form; the IdP auto-posts the response to the ACS, which answers the result page. */
  async signInAs(user: string): Promise<void> {
    await this.page.getByTestId(`demo-signin-${user}`).click();
    await expect(this.acsResult).toBeVisible();
  }

  async expectVerdict(verdict: 'accepted' | 'rejected'): Promise<void> {
    await expect(this.acsResult).toHaveAttribute('data-verdict', verdict);
  }

  /** Follows the result page's link back to the app; returns the login id from `#/logins/<id>`. */
  async goBackToApp(): Promise<string> {
    const href = (await this.backToApp.getAttribute('href')) ?? '';
    const match = /#\/logins\/([^/?#]+)/.exec(href);
    expect(match, `back-to-app href should point at #/logins/<id>, got "${href}"`).not.toBeNull();
    await this.backToApp.click();
    return decodeURIComponent(match?.[1] ?? '');
  }
}
