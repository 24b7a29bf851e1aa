// The application menu as data. Pure (electron types only): unit-tested under plain Node; main.ts builds it.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  importMetadata(): void;
  exportSpMetadata(): void;
  openSettings(): void;
  changePort(): void;
  openDataFolder(): void;
  signIn(): void;
  signInAsDifferentUser(): void;
  setLoginInSystemBrowser(on: boolean): void;
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
