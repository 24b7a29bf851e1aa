// The application menu and the context menu as data. Pure (electron types only): unit-tested under plain Node;
// main.ts builds them.
import type { ContextMenuParams, MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  importMetadata(): void;
  exportSpMetadata(): void;
  openSettings(): void;
  changePort(): void;
  openDataFolder(): void;
  signIn(): void;
  signInAsDifferentUser(): void;
  setLoginInSystemBrowser(on: boolean): void;
  trustedCertificates(): void;
  about(): void;
}

export interface MenuOptions {
  appName: string;
  platform: NodeJS.Platform;
  /** Development build (not packaged): adds Toggle Developer Tools. */
  dev: boolean;
  loginInSystemBrowser: boolean;
}

/** Every item a test or spec clicks has an `id` (Menu.getMenuItemById). */
export function menuTemplate(actions: MenuActions, options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const about: MenuItemConstructorOptions = { id: 'about', label: `About ${options.appName}`, click: () => actions.about() };
  const settings: MenuItemConstructorOptions = {
    id: 'settings',
    label: mac ? 'Settings…' : 'Settings',
    accelerator: 'CmdOrCtrl+,',
    click: () => actions.openSettings(),
  };
  const file: MenuItemConstructorOptions[] = [
    { id: 'import-metadata', label: 'Import IdP Metadata…', accelerator: 'CmdOrCtrl+O', click: () => actions.importMetadata() },
    { id: 'export-sp-metadata', label: 'Export SP Metadata…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportSpMetadata() },
    { type: 'separator' },
    ...(mac ? [] : [settings]),
    { id: 'change-port', label: 'Listener Port…', click: () => actions.changePort() },
    { id: 'open-data-folder', label: 'Open Data Folder', click: () => actions.openDataFolder() },
    ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
  ];
  const login: MenuItemConstructorOptions[] = [
    { id: 'sign-in', label: 'Sign In with the Active IdP', click: () => actions.signIn() },
    { id: 'sign-in-different-user', label: 'Sign In as a Different User', click: () => actions.signInAsDifferentUser() },
    { type: 'separator' },
    {
      id: 'login-in-system-browser',
      label: 'Sign In in the System Browser',
      type: 'checkbox',
      checked: options.loginInSystemBrowser,
      click: (item) => actions.setLoginInSystemBrowser(item.checked),
    },
    { id: 'trusted-certificates', label: 'Trusted IdP Certificates…', click: () => actions.trustedCertificates() },
  ];
  const view: MenuItemConstructorOptions[] = [
    { id: 'reload', role: 'reload' },
    ...(options.dev ? [{ id: 'toggle-devtools', role: 'toggleDevTools' } as const] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac
      ? [{ label: options.appName, submenu: [about, { type: 'separator' }, settings, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] } satisfies MenuItemConstructorOptions]
      : []),
    { label: '&File', submenu: file },
    { role: 'editMenu' },
    { label: '&Login', submenu: login },
    { label: '&View', submenu: view },
    { role: 'windowMenu' },
    ...(mac ? [] : [{ role: 'help', submenu: [about] } satisfies MenuItemConstructorOptions]),
  ];
}

/** What the context menu needs of Electron's `context-menu` event. */
export type ContextMenuFacts = Pick<ContextMenuParams, 'isEditable' | 'selectionText' | 'x' | 'y'> & {
  editFlags: Pick<ContextMenuParams['editFlags'], 'canCut' | 'canCopy' | 'canPaste' | 'canSelectAll' | 'canUndo' | 'canRedo'>;
};

/** The standard edit menu for a right-click (Electron shows none by default: docs/api/web-contents.md, event
 * 'context-menu', leaves it to the app). In a text field: undo/redo, cut, copy, paste, select all; on selected text:
 * copy; "Inspect" only in development. Empty: show nothing. */
export function contextMenuTemplate(params: ContextMenuFacts, options: { dev: boolean; inspect(x: number, y: number): void }): MenuItemConstructorOptions[] {
  const flags = params.editFlags;
  const items: MenuItemConstructorOptions[] = [];
  if (params.isEditable) {
    items.push(
      { id: 'context-undo', role: 'undo', enabled: flags.canUndo },
      { id: 'context-redo', role: 'redo', enabled: flags.canRedo },
      { type: 'separator' },
      { id: 'context-cut', role: 'cut', enabled: flags.canCut },
      { id: 'context-copy', role: 'copy', enabled: flags.canCopy },
      { id: 'context-paste', role: 'paste', enabled: flags.canPaste },
      { type: 'separator' },
      { id: 'context-select-all', role: 'selectAll', enabled: flags.canSelectAll },
    );
  } else if (params.selectionText.trim() !== '') {
    items.push({ id: 'context-copy', role: 'copy', enabled: flags.canCopy });
  }
  if (options.dev) {
    if (items.length > 0) items.push({ type: 'separator' });
    items.push({ id: 'context-inspect', label: 'Inspect', click: () => options.inspect(params.x, params.y) });
  }
  return items;
}
