// The thin desktop shell: lifecycle, windows, and the contract bound to IPC. All logic lives in core.
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { events } from '../contract/index.ts';
import type { EventName, Result } from '../contract/index.ts';
import { LabError } from '../core/errors.ts';
import type { Lab, Logger } from '../core/host.ts';
import { createLab } from '../core/lab.ts';
import { LAB_EVENT, LAB_INVOKE } from '../preload/channels.ts';
import { appContentSecurityPolicy, isAppResource, isAppUrl } from './app-url.ts';
import { parseShellArgs } from './shell-args.ts';
import type { ShellArgs } from './shell-args.ts';

const APP_NAME = 'SAML JIT Lab';
/** Cookies of IdP sessions live here, apart from the app's own session. */
const LOGIN_PARTITION = 'persist:saml-login';

const here = dirname(fileURLToPath(import.meta.url)); // out/main
const rendererIndex = join(here, '../renderer/index.html');
const preloadPath = join(here, '../preload/index.cjs');
const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const appEntry = devUrl ?? pathToFileURL(rendererIndex).href;

const logger: Logger = {
  info: (message) => console.log(`[lab] ${message}`),
  warn: (message) => console.warn(`[lab] ${message}`),
  error: (message) => console.error(`[lab] ${message}`),
};

let lab: Lab | null = null;
let mainWindow: BrowserWindow | null = null;
let loginWindow: BrowserWindow | null = null;

function fail(message: string): void {
  // Before `ready` on Linux this prints to stderr instead of showing a dialog.
  dialog.showErrorBox(APP_NAME, message);
  app.exit(1);
}

function openExternal(url: string): void {
  if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function hardenSessions(): void {
  const csp = appContentSecurityPolicy({ dev: devUrl !== undefined });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppResource(details.url, appEntry)) return callback({});
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } });
  });
  // The app page may copy to the clipboard; nothing else.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(permission === 'clipboard-sanitized-write'),
  );
  // An IdP page posts the SAML response to the local listener: let it reach loopback, nothing else.
  session.fromPartition(LOGIN_PARTITION).setPermissionRequestHandler((_contents, permission, callback) =>
    callback(permission === 'local-network-access' || permission === 'loopback-network' || permission === 'local-network'),
  );
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** Only our main window's top frame, showing our own page, may call the lab. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return (
    mainWindow !== null &&
    !mainWindow.isDestroyed() &&
    event.sender === mainWindow.webContents &&
    frame !== null &&
    frame.parent === null &&
    isAppUrl(frame.url, appEntry)
  );
}

function bindIpc(): void {
  ipcMain.handle(LAB_INVOKE, async (event, method: unknown, input: unknown): Promise<Result<unknown>> => {
    if (!isTrustedSender(event)) {
      logger.warn(`Refused an IPC call from ${event.senderFrame?.url ?? 'a closed frame'}.`);
      return { ok: false, error: { code: 'internal', message: 'Refused: the call did not come from the lab window.' } };
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'unknown-method', message: 'The method name must be a string.' } };
    }
    if (!lab) return { ok: false, error: { code: 'internal', message: 'The lab is not running.' } };
    return lab.handle(method, input);
  });
}

function forwardEvent(name: EventName, payload: unknown): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(LAB_EVENT, name, payload);
  if (name === 'login.completed' && loginWindow && !loginWindow.isDestroyed()) {
    loginWindow.close();
    focusMainWindow();
  }
}

function openLoginWindow(url: string): void {
  if (!/^https?:\/\//i.test(url)) {
    logger.warn(`Not opening a login window for ${url}: only http(s) URLs.`);
    return;
  }
  if (!loginWindow || loginWindow.isDestroyed()) {
    const win = new BrowserWindow({
      width: 960,
      height: 780,
      title: `Sign in — ${APP_NAME}`,
      autoHideMenuBar: true,
      webPreferences: {
        partition: LOGIN_PARTITION,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webSecurity: true,
      },
    });
    win.webContents.setWindowOpenHandler(({ url: target }) => {
      openExternal(target);
      return { action: 'deny' };
    });
    win.on('closed', () => {
      if (loginWindow === win) loginWindow = null;
    });
    loginWindow = win;
  }
  loginWindow.loadURL(url).catch((error: unknown) => logger.warn(`Login window: ${String(error)}`));
  loginWindow.focus();
}

function createMainWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: APP_NAME,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => {
    if (isAppUrl(event.url, appEntry)) return;
    event.preventDefault();
    openExternal(event.url);
  });
  win.on('closed', () => {
    mainWindow = null;
    if (loginWindow && !loginWindow.isDestroyed()) loginWindow.close();
  });
  mainWindow = win;
  const loaded = devUrl ? win.loadURL(devUrl) : win.loadFile(rendererIndex);
  loaded.catch((error: unknown) => {
    logger.error(`Could not load the app page: ${String(error)}`);
    if (!win.isDestroyed()) win.show();
  });
}

async function start(args: ShellArgs): Promise<void> {
  hardenSessions();
  bindIpc();
  const resourcesDir = app.isPackaged
    ? join(process.resourcesPath, 'resources')
    : join(app.getAppPath(), 'resources');
  let created: Lab;
  try {
    created = await createLab({
      mode: 'electron',
      dataDir: args.dataDir ?? app.getPath('userData'),
      resourcesDir,
      port: args.port,
      version: app.getVersion(),
      logger,
      openLoginWindow,
      appUrl: () => null,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    fail(error instanceof LabError && error.code === 'port-in-use' ? message : `${APP_NAME} could not start: ${message}`);
    return;
  }
  lab = created;
  for (const name of Object.keys(events) as EventName[]) created.on(name, (payload) => forwardEvent(name, payload));
  createMainWindow();
}

let labClosed = false;
let closing: Promise<void> | null = null;
function closeLab(): Promise<void> {
  closing ??= (lab ? lab.close() : Promise.resolve())
    .catch((error: unknown) => logger.error(`Closing the lab failed: ${String(error)}`))
    .finally(() => {
      labClosed = true;
    });
  return closing;
}

function main(): void {
  let args: ShellArgs;
  try {
    args = parseShellArgs(process.argv);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return;
  }
  // One data folder, one profile, one running instance: `--data` also moves Chromium's profile there.
  if (args.dataDir) app.setPath('userData', args.dataDir);
  if (!app.requestSingleInstanceLock()) {
    logger.info('Already running with this data folder: focusing that window.');
    app.exit(0);
    return;
  }
  app.on('second-instance', focusMainWindow);
  app.on('window-all-closed', () => {
    void closeLab().then(() => app.quit());
  });
  // Quit from the menu, a signal or the OS: flush the store first.
  app.on('will-quit', (event) => {
    if (labClosed) return;
    event.preventDefault();
    void closeLab().then(() => app.quit());
  });
  process.on('SIGINT', () => app.quit());
  process.on('SIGTERM', () => app.quit());
  app
    .whenReady()
    .then(() => start(args))
    .catch((error: unknown) => fail(`${APP_NAME} could not start: ${String(error)}`));
}

main();
