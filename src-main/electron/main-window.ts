// Showing the main window without a blank flash. Electron's advice is `show: false` and showing on `ready-to-show`
// (docs/api/browser-window.md, "Showing the window gracefully"). But `maximize()` also shows a hidden window, at once
// and before the page has painted (electron/electron#2262 "expected behavior"; on macOS too since #32949; documented
// after #8861, which adds that `ready-to-show` is then not emitted at all): a restored maximized window flashed
// blank. So it is maximized in the same tick it is shown, once the page is ready.
// Electron types only: unit-tested under plain Node.

/** The part of BrowserWindow this needs. */
export interface RevealableWindow {
  once(event: 'ready-to-show', listener: () => void): unknown;
  maximize(): void;
  show(): void;
  isDestroyed(): boolean;
}

export function revealWhenReady(win: RevealableWindow, maximized: boolean): void {
  win.once('ready-to-show', () => {
    if (win.isDestroyed()) return;
    if (maximized) win.maximize();
    win.show();
  });
}

/** The login window's title. On macOS it also says where passkeys work: `app.configureWebAuthn` (Touch ID, platform
 * passkeys) needs a code-signed app with keychain-access-groups / associated-domains entitlements (electron.d.ts,
 * app.configureWebAuthn), which this unsigned app does not have, so Chromium inside it offers no platform
 * authenticator; the system browser does. Windows Hello and USB security keys work in the window as they are. */
export function loginWindowTitle(appName: string, platform: NodeJS.Platform): string {
  return platform === 'darwin'
    ? `Sign in — ${appName} · Passkey or Touch ID? Use Login › Sign In in the System Browser`
    : `Sign in — ${appName}`;
}

/** The part of WebContents this needs. */
export interface UnloadingContents {
  on(event: 'will-prevent-unload', listener: (event: { preventDefault(): void }) => void): unknown;
}

/** What the window asks when a page with unsaved edits (the Rules screen) is closed or reloaded: Leave is 0. */
export const LEAVE_QUESTION = {
  type: 'question',
  buttons: ['Leave', 'Stay'],
  defaultId: 1,
  cancelId: 1,
  message: 'Leave with unsaved edits?',
  detail: 'The rules on screen have edits that are not saved. Leaving discards them.',
} as const;

/**
 * A page's `beforeunload` that asks to stay does not show Chromium's question in Electron: the window just does not
 * close. Electron emits `will-prevent-unload` instead, and `event.preventDefault()` there ignores the page's handler
 * and lets it unload (docs/api/web-contents.md, "Event: 'will-prevent-unload'"). So the shell asks itself:
 * `leave()` shows LEAVE_QUESTION and says whether the person chose Leave.
 */
export function askBeforeUnload(contents: UnloadingContents, leave: () => boolean): void {
  contents.on('will-prevent-unload', (event) => {
    if (leave()) event.preventDefault();
  });
}
