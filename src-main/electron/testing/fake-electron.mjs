// A fake of the few electron main-process APIs the shell uses, so the BUILT shell (out/main/index.js) can run
// under plain Node where Electron's binary is unavailable. Windows load nothing; the smoke test plays the browser.
// Everything the shell does is recorded in `globalThis.__fakeElectron`.
import { EventEmitter } from 'node:events';
import { setImmediate } from 'node:timers';

const state = {
  calls: [],
  windows: [],
  ipcHandlers: new Map(),
  sessions: new Map(),
  errorBox: null,
  exitCode: null,
  quitted: false,
  menu: null,
  /** Message boxes shown, and the answers to give: queued by the smoke test, else FAKE_ELECTRON_MESSAGE_BOX (JSON). */
  messageBoxes: [],
  messageBoxAnswers: [],
  openDialogAnswers: [],
  saveDialogAnswers: [],
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  /** `net.request` answers by URL: { status, body, headers } or { redirect }; anything else fails like Chromium. */
  netRoutes: new Map(),
  popups: [],
};
globalThis.__fakeElectron = state;
const record = (...call) => state.calls.push(call);

// Packaged mode: resources come from process.resourcesPath, as electron-builder lays them out.
if (process.env.FAKE_ELECTRON_RESOURCES_PATH) process.resourcesPath = process.env.FAKE_ELECTRON_RESOURCES_PATH;

class FakeApp extends EventEmitter {
  isPackaged = process.env.FAKE_ELECTRON_PACKAGED === '1';
  #paths = {
    userData: process.env.FAKE_ELECTRON_USER_DATA ?? '/nonexistent/fake-electron-user-data',
    appData: process.env.FAKE_ELECTRON_APP_DATA ?? '/nonexistent/fake-electron-app-data',
  };
  getPath(name) {
    return this.#paths[name];
  }
  setPath(name, value) {
    record('app.setPath', name, value);
    this.#paths[name] = value;
  }
  getAppPath() {
    return process.env.FAKE_ELECTRON_APP_PATH ?? process.cwd();
  }
  getVersion() {
    return '0.0.0-fake';
  }
  requestSingleInstanceLock() {
    return process.env.FAKE_ELECTRON_LOCK_TAKEN !== '1';
  }
  whenReady() {
    return Promise.resolve();
  }
  enableSandbox() {
    record('app.enableSandbox');
  }
  focus(options) {
    record('app.focus', options);
  }
  relaunch(options) {
    record('app.relaunch', options);
  }
  quit() {
    record('app.quit');
    let prevented = false;
    this.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) state.quitted = true;
  }
  exit(code = 0) {
    record('app.exit', code);
    state.exitCode = code;
  }
}
export const app = new FakeApp();

class FakeWebContents extends EventEmitter {
  url = '';
  sent = [];
  openHandler = null;
  constructor() {
    super();
    this.mainFrame = { parent: null };
    Object.defineProperty(this.mainFrame, 'url', { get: () => this.url });
  }
  send(...args) {
    this.sent.push(args);
  }
  setWindowOpenHandler(handler) {
    this.openHandler = handler;
  }
  // No executeJavaScript: the shell must not run script in its pages (a call would throw here).
  reload() {
    record('webContents.reload', this.url);
  }
  inspectElement(x, y) {
    record('webContents.inspectElement', x, y);
  }
}

export class BrowserWindow extends EventEmitter {
  destroyed = false;
  shown = false;
  focusCount = 0;
  constructor(options) {
    super();
    this.options = options;
    // Electron shows a window at once unless `show: false`.
    this.shown = options.show !== false;
    this.webContents = new FakeWebContents();
    state.windows.push(this);
  }
  async loadFile(path) {
    this.webContents.url = new URL(`file://${path}`).href;
    this.#painted();
  }
  async loadURL(url) {
    record('window.loadURL', url);
    this.webContents.url = url;
    this.#painted();
  }
  /** Like Electron: 'ready-to-show' once, after the first paint, and only for a window not shown yet. */
  #painted() {
    if (this.painted) return;
    this.painted = true;
    if (!this.shown) this.emit('ready-to-show');
  }
  getNormalBounds() {
    const { x = 100, y = 80, width, height } = this.options;
    return { x, y, width, height };
  }
  isMaximized() {
    return this.maximized === true;
  }
  /** Like Electron on Windows and Linux (and macOS since #32949): maximizing a hidden window shows it. */
  maximize() {
    this.maximized = true;
    this.show();
  }
  show() {
    if (!this.shown && !this.painted) record('window.shownBeforePaint', this.options.title);
    this.shown = true;
  }
  focus() {
    this.focusCount++;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  isDestroyed() {
    return this.destroyed;
  }
  close() {
    if (this.destroyed) return;
    this.emit('close', { preventDefault() {} });
    this.destroyed = true;
    this.emit('closed');
    if (state.windows.every((w) => w.destroyed)) app.emit('window-all-closed');
  }
}

export const ipcMain = {
  handle(channel, handler) {
    state.ipcHandlers.set(channel, handler);
  },
};

function fakeSession(name) {
  return {
    name,
    headersListener: null,
    permissionHandler: null,
    webRequest: {
      onHeadersReceived(listener) {
        fakeSessionByName(name).headersListener = listener;
      },
    },
    setPermissionRequestHandler(handler) {
      this.permissionHandler = handler;
    },
    setCertificateVerifyProc(proc) {
      this.certificateVerifyProc = proc;
    },
    async clearStorageData() {
      record('session.clearStorageData', name);
    },
    async clearCache() {
      record('session.clearCache', name);
    },
  };
}
function fakeSessionByName(name) {
  if (!state.sessions.has(name)) state.sessions.set(name, fakeSession(name));
  return state.sessions.get(name);
}
export const session = {
  get defaultSession() {
    return fakeSessionByName('default');
  },
  fromPartition: (partition) => fakeSessionByName(partition),
};

const envAnswer = () => JSON.parse(process.env.FAKE_ELECTRON_MESSAGE_BOX ?? '{"response":0,"checkboxChecked":false}');
export const dialog = {
  showErrorBox(title, message) {
    record('dialog.showErrorBox', title, message);
    state.errorBox = message;
  },
  async showMessageBox(...args) {
    const options = args.at(-1);
    state.messageBoxes.push(options);
    return state.messageBoxAnswers.shift() ?? envAnswer();
  },
  async showOpenDialog(...args) {
    record('dialog.showOpenDialog', args.at(-1));
    return state.openDialogAnswers.shift() ?? { canceled: true, filePaths: [] };
  },
  async showSaveDialog(...args) {
    record('dialog.showSaveDialog', args.at(-1));
    return state.saveDialogAnswers.shift() ?? { canceled: true };
  },
};

export const shell = {
  async openExternal(url) {
    record('shell.openExternal', url);
  },
  async openPath(path) {
    record('shell.openPath', path);
    return '';
  },
};

/** net.request: a ClientRequest-like emitter in redirect: 'manual' mode, answered from state.netRoutes. */
export const net = {
  request(options) {
    record('net.request', options.url, options.session?.name ?? null, options.redirect);
    const req = new EventEmitter();
    let aborted = false;
    req.setHeader = () => undefined;
    req.abort = () => {
      aborted = true;
    };
    req.end = () =>
      setImmediate(() => {
        const route = state.netRoutes.get(options.url);
        if (!route) return req.emit('error', new Error('net::ERR_NAME_NOT_RESOLVED'));
        if (route.redirect) {
          req.emit('redirect', 302, 'GET', route.redirect, {});
          if (!aborted) req.emit('error', new Error('Redirect was cancelled'));
          return;
        }
        const res = Object.assign(new EventEmitter(), { statusCode: route.status ?? 200, statusMessage: 'OK', headers: route.headers ?? {} });
        req.emit('response', res);
        setImmediate(() => {
          res.emit('data', Buffer.from(route.body ?? ''));
          res.emit('end');
        });
      });
    return req;
  },
};

export const screen = {
  getAllDisplays: () => state.displays,
};

/** Items keep their template options; `click()` behaves like Electron's (a checkbox toggles first). */
function fakeMenuItem(options) {
  const item = { ...options, checked: options.checked ?? false };
  item.submenu = Array.isArray(options.submenu) ? options.submenu.map(fakeMenuItem) : undefined;
  item.click = () => {
    if (item.type === 'checkbox') item.checked = !item.checked;
    options.click?.(item);
  };
  return item;
}
export const Menu = {
  buildFromTemplate(template) {
    const items = template.map(fakeMenuItem);
    const find = (list, id) => {
      for (const item of list) {
        if (item.id === id) return item;
        const inner = item.submenu && find(item.submenu, id);
        if (inner) return inner;
      }
      return null;
    };
    return { items, getMenuItemById: (id) => find(items, id), popup: (options) => state.popups.push({ items, options }) };
  },
  setApplicationMenu(menu) {
    state.menu = menu;
  },
  getApplicationMenu: () => state.menu,
};

export default { app, BrowserWindow, ipcMain, session, dialog, shell, screen, Menu, net };
