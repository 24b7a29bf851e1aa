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
};
globalThis.__fakeElectron = state;
const record = (...call) => state.calls.push(call);

class FakeApp extends EventEmitter {
  isPackaged = false;
  #paths = { userData: process.env.FAKE_ELECTRON_USER_DATA ?? '/nonexistent/fake-electron-user-data' };
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

export const dialog = {
  showErrorBox(title, message) {
    record('dialog.showErrorBox', title, message);
    state.errorBox = message;
  },
};

export const shell = {
  async openExternal(url) {
    record('shell.openExternal', url);
  },
};

export default { app, BrowserWindow, ipcMain, session, dialog, shell };
