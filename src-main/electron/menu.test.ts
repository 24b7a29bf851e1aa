import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { contextMenuTemplate, menuTemplate } from './menu.ts';
import type { MenuActions } from './menu.ts';

function actions(): MenuActions & Record<string, ReturnType<typeof vi.fn>> {
  const names = ['importMetadata', 'exportSpMetadata', 'openSettings', 'changePort', 'openDataFolder', 'signIn', 'signInAsDifferentUser', 'setLoginInSystemBrowser', 'trustedCertificates', 'about'];
  return Object.fromEntries(names.map((n) => [n, vi.fn()])) as unknown as MenuActions & Record<string, ReturnType<typeof vi.fn>>;
}
function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}
const byId = (items: MenuItemConstructorOptions[], id: string) => flatten(items).find((i) => i.id === id);
const options = { appName: 'SAML JIT Lab', platform: 'linux' as const, dev: false, loginInSystemBrowser: false };

describe('application menu', () => {
  it('has import, export, settings, port, data folder, sign-in items, reload and about, each wired to its action', () => {
    const a = actions();
    const menu = menuTemplate(a, options);
    const wiring: [string, keyof MenuActions][] = [
      ['import-metadata', 'importMetadata'],
      ['export-sp-metadata', 'exportSpMetadata'],
      ['settings', 'openSettings'],
      ['change-port', 'changePort'],
      ['open-data-folder', 'openDataFolder'],
      ['sign-in', 'signIn'],
      ['sign-in-different-user', 'signInAsDifferentUser'],
      ['trusted-certificates', 'trustedCertificates'],
      ['about', 'about'],
    ];
    for (const [id, action] of wiring) {
      const item = byId(menu, id);
      expect(item, id).toBeDefined();
      (item?.click as () => void)();
      expect(a[action], id).toHaveBeenCalledOnce();
    }
    expect(byId(menu, 'reload')?.role).toBe('reload');
    const toggle = byId(menu, 'login-in-system-browser');
    expect(toggle).toMatchObject({ type: 'checkbox', checked: false });
    (toggle?.click as (item: { checked: boolean }) => void)({ checked: true });
    expect(a.setLoginInSystemBrowser).toHaveBeenCalledWith(true);
  });

  it('offers developer tools in development only', () => {
    expect(byId(menuTemplate(actions(), options), 'toggle-devtools')).toBeUndefined();
    expect(byId(menuTemplate(actions(), { ...options, dev: true }), 'toggle-devtools')?.role).toBe('toggleDevTools');
  });

  it('follows the platform: an app menu with About and Settings on macOS, File > Quit and Help > About elsewhere', () => {
    const mac = menuTemplate(actions(), { ...options, platform: 'darwin' });
    expect(mac[0]?.label).toBe('SAML JIT Lab');
    expect(flatten(mac[0]?.submenu as MenuItemConstructorOptions[]).map((i) => i.id ?? i.role)).toEqual(
      expect.arrayContaining(['about', 'settings', 'quit']),
    );
    const linux = menuTemplate(actions(), options);
    expect(linux[0]?.label).toBe('&File');
    expect(flatten(linux).filter((i) => i.role === 'quit')).toHaveLength(1);
    expect(flatten(mac).filter((i) => i.role === 'quit')).toHaveLength(1);
  });

  it('reflects the saved system-browser choice', () => {
    expect(byId(menuTemplate(actions(), { ...options, loginInSystemBrowser: true }), 'login-in-system-browser')?.checked).toBe(true);
  });
});

describe('context menu', () => {
  const flags = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true, canUndo: false, canRedo: false };
  const inField = { isEditable: true, selectionText: '', x: 10, y: 20, editFlags: flags };
  const roles = (items: MenuItemConstructorOptions[]) => items.filter((i) => i.type !== 'separator').map((i) => i.role ?? i.label);

  it('offers the standard edit items in a text field (paste into the metadata box or an IdP password field)', () => {
    const items = contextMenuTemplate(inField, { dev: false, inspect: vi.fn() });
    expect(roles(items)).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);
    expect(items.find((i) => i.role === 'undo')?.enabled).toBe(false);
    expect(items.find((i) => i.role === 'paste')?.enabled).toBe(true);
  });

  it('offers Copy on selected text, and nothing on a plain click outside fields', () => {
    expect(roles(contextMenuTemplate({ ...inField, isEditable: false, selectionText: 'urn:idp' }, { dev: false, inspect: vi.fn() }))).toEqual(['copy']);
    expect(contextMenuTemplate({ ...inField, isEditable: false, selectionText: ' ' }, { dev: false, inspect: vi.fn() })).toEqual([]);
  });

  it('adds Inspect (at the clicked point) only in development', () => {
    expect(roles(contextMenuTemplate(inField, { dev: false, inspect: vi.fn() }))).not.toContain('Inspect');
    const inspect = vi.fn();
    const items = contextMenuTemplate({ ...inField, isEditable: false }, { dev: true, inspect });
    expect(roles(items)).toEqual(['Inspect']);
    (items[0]?.click as () => void)();
    expect(inspect).toHaveBeenCalledWith(10, 20);
  });
});
