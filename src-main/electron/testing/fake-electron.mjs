// A fake of the few electron main-process APIs the shell uses, so the BUILT shell (out/main/index.js) can run
// under plain Node where Electron's binary is unavailable. Windows load nothing; the smoke test plays the browser.
// Everything the shell does is recorded in `globalThis.__fakeElectron`.
import { EventEmitter } from 'node:events';

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
  async executeJavaScript(code) {
    record('webContents.executeJavaScript', code);
    const hash = /^location\.hash = "([^"]*)";$/.exec(code);
    if (hash) this.url = `${this.url.replace(/#.*$/, '')}${hash[1]}`;
  }
  reload() {
    record('webContents.reload', this.url);
  }
}

export class BrowserWindow extends EventEmitter {
  destroyed = false;
  shown = false;
  focusCount = 0;
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents();
    state.windows.push(this);
  }
  async loadFile(path) {
    this.webContents.url = new URL(`file://${path}`).href;
    this.emit('ready-to-show');
  }
  async loadURL(url) {
    this.webContents.url = url;
    this.emit('ready-to-show');
  }
  getNormalBounds() {
    const { x = 100, y = 80, width, height } = this.options;
    return { x, y, width, height };
  }
  isMaximized() {
    return this.maximized === true;
  }
  maximize() {
    this.maximized = true;
  }
  show() {
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
    return { items, getMenuItemById: (id) => find(items, id) };
  },
  setApplicationMenu(menu) {
    state.menu = menu;
  },
  getApplicationMenu: () => state.menu,
};

export default { app, BrowserWindow, ipcMain, session, dialog, shell, screen, Menu };
