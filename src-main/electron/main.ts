// The thin desktop shell: lifecycle, windows, menu, and the contract bound to IPC. All logic lives in core.
import { app, BrowserWindow, dialog, ipcMain, Menu, screen, session, shell } from 'electron';
import type { IpcMainInvokeEvent, MessageBoxOptions } from 'electron';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { contract, events } from '../contract/index.ts';
import type { EventName, Result } from '../contract/index.ts';
import { LabError } from '../core/errors.ts';
import type { Lab, Logger } from '../core/host.ts';
import { STREAM_THRESHOLD_BYTES } from '../core/idp/aggregate-stream.ts';
import { createLab } from '../core/lab.ts';
import { LAB_EVENT, LAB_INVOKE } from '../preload/channels.ts';
import { appContentSecurityPolicy, isAppResource, isAppUrl } from './app-url.ts';
import { DEFAULT_DESKTOP_SETTINGS, desktopSettingsPath, readDesktopSettings, restoreBounds, writeDesktopSettings } from './desktop-settings.ts';
import type { DesktopSettings } from './desktop-settings.ts';
import { nextFreePort } from './free-port.ts';
import { menuTemplate } from './menu.ts';
import { DEFAULT_PORT, parseShellArgs, withoutPortArg } from './shell-args.ts';
import type { ShellArgs } from './shell-args.ts';

const APP_NAME = 'SAML JIT Lab';
/** The data folder's name under the OS's app-data folder: the same one the CLI uses (src-main/cli/paths.ts). */
const DATA_FOLDER_NAME = 'saml-jit-lab';
/** Cookies of IdP sessions live here, apart from the app's own session. */
const LOGIN_PARTITION = 'persist:saml-login';

const here = dirname(fileURLToPath(import.meta.url)); // out/main
const rendererIndex = join(here, '../renderer/index.html');
const preloadPath = join(here, '../preload/index.cjs');
const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const appEntry = devUrl ?? pathToFileURL(rendererIndex).href;
// Packaged: electron-builder's extraResources copies resources/ to <resourcesPath>/resources.
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(app.getAppPath(), 'resources');

const logger: Logger = {
  info: (message) => console.log(`[lab] ${message}`),
  warn: (message) => console.warn(`[lab] ${message}`),
  error: (message) => console.error(`[lab] ${message}`),
};

let lab: Lab | null = null;
let mainWindow: BrowserWindow | null = null;
let loginWindow: BrowserWindow | null = null;
let dataDir = '';
let settings: DesktopSettings = { ...DEFAULT_DESKTOP_SETTINGS };
let settingsWritten: Promise<void> = Promise.resolve();
/** A login was sent to the system browser: bring the app to the front when it completes. */
let externalLoginPending = false;

function fail(message: string): void {
  // Before `ready` on Linux this prints to stderr instead of showing a dialog.
  dialog.showErrorBox(APP_NAME, message);
  app.exit(1);
}

const isHttpUrl = (url: string): boolean => /^https?:\/\//i.test(url);

function openExternal(url: string): void {
  // Only http(s): never file:, custom protocols or anything else a page could hand us.
  if (isHttpUrl(url)) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK (scheme allow-listed just above)
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function saveSettings(patch: Partial<DesktopSettings>): Promise<void> {
  settings = { ...settings, ...patch };
  const snapshot = settings;
  settingsWritten = settingsWritten
    .then(() => writeDesktopSettings(desktopSettingsPath(dataDir), snapshot))
    .catch((error: unknown) => logger.warn(`Could not save the desktop settings: ${String(error)}`));
  return settingsWritten;
}

function messageBox(options: MessageBoxOptions): ReturnType<typeof dialog.showMessageBox> {
  return mainWindow && !mainWindow.isDestroyed() ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options);
}

function showError(message: string, detail: string): void {
  void messageBox({ type: 'error', title: APP_NAME, message, detail, buttons: ['OK'] });
}

function hardenSessions(): void {
  const csp = appContentSecurityPolicy({ dev: devUrl !== undefined });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppResource(details.url, appEntry)) return callback({});
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    );
    // electronegativity cannot read a computed policy ("Failed to parse CSP"): electronegativity.test.ts runs the same
    // CSP evaluator on appContentSecurityPolicy()'s output instead.
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } }); // eng-disable CSP_GLOBAL_CHECK
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
    // lab.handle validates `input` with the contract's zod schema for `method` before anything runs.
    return lab.handle(method, input);
  });
}

function forwardEvent(name: EventName, payload: unknown): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(LAB_EVENT, name, payload);
  if (name !== 'logins.completed') return;
  if (loginWindow && !loginWindow.isDestroyed()) {
    loginWindow.close();
    focusMainWindow();
  }
  if (externalLoginPending) {
    externalLoginPending = false;
    focusMainWindow();
    app.focus({ steal: true });
  }
}

/** Called by core's `logins.start`: a window with its own session, or the system browser if the person chose it. */
function openLoginWindow(url: string): void {
  if (!isHttpUrl(url)) {
    logger.warn(`Not opening a login window for ${url}: only http(s) URLs.`);
    return;
  }
  if (settings.loginIn === 'system-browser') {
    externalLoginPending = true;
    openExternal(url);
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
        disableBlinkFeatures: 'Auxclick',
      },
    });
    win.webContents.setWindowOpenHandler(({ url: target }) => {
      openExternal(target);
      return { action: 'deny' };
    });
    // IdP pages go anywhere on the web, but only over http(s).
    const httpOnly = (event: { url: string; preventDefault(): void }): void => {
      if (!isHttpUrl(event.url)) event.preventDefault();
    };
    win.webContents.on('will-navigate', httpOnly);
    win.webContents.on('will-redirect', httpOnly);
    win.on('closed', () => {
      if (loginWindow === win) loginWindow = null;
    });
    loginWindow = win;
  }
  loginWindow.loadURL(url).catch((error: unknown) => logger.warn(`Login window: ${String(error)}`));
  loginWindow.focus();
}

async function startLogin(asDifferentUser: boolean): Promise<void> {
  if (!lab) return;
  if (asDifferentUser) {
    // Forget every IdP session: cookies, storage and cache of the login partition.
    if (loginWindow && !loginWindow.isDestroyed()) loginWindow.close();
    const loginSession = session.fromPartition(LOGIN_PARTITION);
    await loginSession.clearStorageData();
    await loginSession.clearCache();
  }
  const result = await lab.handle('logins.start', {});
  if (!result.ok) showError('The login could not start.', result.error.message);
}

/** Switches the app page to a hash route (#/sp, #/idps); `reload` re-reads all data afterwards. */
async function showRoute(route: string, reload: boolean): Promise<void> {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  await win.webContents.executeJavaScript(`location.hash = ${JSON.stringify(`#/${route}`)};`);
  if (reload) win.webContents.reload();
  focusMainWindow();
}

async function importMetadata(): Promise<void> {
  if (!lab || !mainWindow) return;
  const picked = await dialog.showOpenDialog(mainWindow, {
    title: 'Import IdP metadata',
    properties: ['openFile'],
    filters: [
      { name: 'SAML metadata', extensions: ['xml'] },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  const path = picked.filePaths[0];
  if (picked.canceled || !path) return;
  let xml: string;
  try {
    if ((await stat(path)).size > STREAM_THRESHOLD_BYTES) {
      // A large file (a federation aggregate): the import form streams it by path (idp.inspectFile / idp.importFile)
      // with progress and the pick list, without reading it whole here.
      await showRoute(`idps/add?file=${encodeURIComponent(path)}`, false);
      return;
    }
    xml = await readFile(path, 'utf8');
  } catch (error) {
    showError(`${basename(path)} could not be read.`, error instanceof Error ? error.message : String(error));
    return;
  }
  // The same contract dispatch as the UI's paste-import: validated input, same errors.
  const result = await lab.handle('idps.import', { xml });
  if (!result.ok) {
    showError(`${basename(path)} was not imported.`, result.error.message);
    return;
  }
  const idp = contract['idps.import'].output.parse(result.value);
  logger.info(`Imported IdP metadata for ${idp.entityId} from ${path}.`);
  await showRoute('idps', true);
}

async function exportSpMetadata(): Promise<void> {
  if (!lab || !mainWindow) return;
  const picked = await dialog.showSaveDialog(mainWindow, {
    title: 'Export SP metadata',
    defaultPath: 'saml-jit-lab-sp-metadata.xml',
    filters: [{ name: 'SAML metadata', extensions: ['xml'] }],
  });
  if (picked.canceled || !picked.filePath) return;
  try {
    const response = await fetch(new URL('/saml/metadata', lab.url));
    if (!response.ok) throw new Error(`The SP listener answered HTTP ${response.status}.`);
    await writeFile(picked.filePath, await response.text());
  } catch (error) {
    showError('The SP metadata was not exported.', error instanceof Error ? error.message : String(error));
  }
}

async function changePort(args: ShellArgs): Promise<void> {
  if (!lab) return;
  const current = Number(new URL(lab.url).port);
  const next = await nextFreePort(current);
  const choices = [next, ...(current === DEFAULT_PORT ? [] : [DEFAULT_PORT])];
  const { response } = await messageBox({
    type: 'question',
    title: APP_NAME,
    message: `The SP listener is on port ${current}.`,
    detail:
      `Your IdP posts to the ACS URL on this port: after a change, update the ACS URL (or re-import the SP metadata) at the IdP. ` +
      `The app restarts on the new port${args.port === undefined ? '' : ' (without this run\'s --port)'}.`,
    buttons: [...choices.map((port) => `Use port ${port}${port === DEFAULT_PORT ? ' (default)' : ''}`), 'Cancel'],
    defaultId: 0,
    cancelId: choices.length,
  });
  const port = choices[response];
  if (port === undefined) return;
  await saveSettings({ port });
  app.relaunch({ args: withoutPortArg(process.argv.slice(1)) });
  app.quit();
}

async function showAbout(): Promise<void> {
  const { response } = await messageBox({
    type: 'info',
    title: `About ${APP_NAME}`,
    message: `${APP_NAME} ${app.getVersion()}`,
    detail: [
      'Test SAML single sign-on with Just-in-Time provisioning. Nothing leaves this machine.',
      `Data folder: ${dataDir}`,
      `SP listener: ${lab?.url ?? 'not running'}`,
      `Electron ${process.versions.electron ?? '?'}, Chromium ${process.versions.chrome ?? '?'}, Node.js ${process.versions.node}`,
    ].join('\n'),
    buttons: ['Open Data Folder', 'OK'],
    defaultId: 1,
    cancelId: 1,
  });
  if (response === 0) openDataFolder();
}

function openDataFolder(): void {
  void shell.openPath(dataDir).then((error) => {
    if (error) showError('The data folder could not be opened.', `${dataDir}: ${error}`);
  });
}

function installMenu(args: ShellArgs): void {
  const template = menuTemplate(
    {
      importMetadata: () => void importMetadata(),
      exportSpMetadata: () => void exportSpMetadata(),
      openSettings: () => void showRoute('sp', false),
      changePort: () => void changePort(args),
      openDataFolder,
      signIn: () => void startLogin(false),
      signInAsDifferentUser: () => void startLogin(true),
      setLoginInSystemBrowser: (on) => void saveSettings({ loginIn: on ? 'system-browser' : 'window' }),
      about: () => void showAbout(),
    },
    { appName: APP_NAME, platform: process.platform, dev: !app.isPackaged, loginInSystemBrowser: settings.loginIn === 'system-browser' },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createMainWindow(): void {
  const bounds = restoreBounds(
    settings.window,
    screen.getAllDisplays().map((display) => display.workArea),
    { width: 1280, height: 820 },
  );
  const win = new BrowserWindow({
    width: bounds.width,
    height: bounds.height,
    ...(bounds.x === undefined || bounds.y === undefined ? {} : { x: bounds.x, y: bounds.y }),
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: APP_NAME,
    // Linux shows this in the task switcher when run unpackaged; installers carry their own icons.
    ...(process.platform === 'linux' ? { icon: join(resourcesDir, 'icons', 'png', '512x512.png') } : {}),
    webPreferences: {
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK (sandboxed CJS preload exposing only invoke/on; see preload/index.ts)
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (bounds.maximized) win.maximize();
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
  win.on('close', () => {
    void saveSettings({ window: { ...win.getNormalBounds(), maximized: win.isMaximized() } });
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

/** Creates the lab on the chosen port; if it is taken, says so and offers the next free one. Null: the person quit. */
async function createLabOnFreePort(args: ShellArgs): Promise<Lab | null> {
  let port = args.port ?? settings.port ?? DEFAULT_PORT;
  for (;;) {
    try {
      return await createLab({
        mode: 'electron',
        dataDir,
        resourcesDir,
        port,
        version: app.getVersion(),
        logger,
        openLoginWindow,
        appUrl: () => null,
      });
    } catch (error) {
      if (!(error instanceof LabError && error.code === 'port-in-use') || port === 0) throw error;
      const alternative = await nextFreePort(port);
      const { response, checkboxChecked } = await dialog.showMessageBox({
        type: 'warning',
        title: APP_NAME,
        message: `Port ${port} is already in use on 127.0.0.1.`,
        detail:
          `Another SAML JIT Lab or another program listens there. On port ${alternative} the ACS URL becomes ` +
          `http://127.0.0.1:${alternative}/saml/acs: update it at your IdP (or re-import the SP metadata).`,
        buttons: [`Use port ${alternative}`, 'Quit'],
        defaultId: 0,
        cancelId: 1,
        checkboxLabel: `Always use port ${alternative}`,
        checkboxChecked: true,
      });
      if (response !== 0) return null;
      if (checkboxChecked) await saveSettings({ port: alternative });
      port = alternative;
    }
  }
}

async function start(args: ShellArgs): Promise<void> {
  hardenSessions();
  bindIpc();
  settings = await readDesktopSettings(desktopSettingsPath(dataDir));
  let created: Lab | null;
  try {
    created = await createLabOnFreePort(args);
  } catch (error) {
    fail(`${APP_NAME} could not start: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (!created) {
    app.exit(1);
    return;
  }
  lab = created;
  for (const name of Object.keys(events) as EventName[]) created.on(name, (payload) => forwardEvent(name, payload));
  installMenu(args);
  createMainWindow();
}

let labClosed = false;
let closing: Promise<void> | null = null;
function closeLab(): Promise<void> {
  closing ??= Promise.all([lab ? lab.close() : undefined, settingsWritten])
    .then(() => undefined)
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
  // Every renderer sandboxed, whatever a window's options say.
  app.enableSandbox();
  // One data folder, one profile, one running instance: the data folder is also Chromium's profile. By default the
  // CLI's folder (not Electron's productName-based one), so the desktop app and `saml-jit-lab serve` share a store.
  dataDir = args.dataDir ?? join(app.getPath('appData'), DATA_FOLDER_NAME);
  app.setPath('userData', dataDir);
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
