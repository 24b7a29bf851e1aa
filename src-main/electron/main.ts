// The thin desktop shell: lifecycle, windows, menu, and the contract bound to IPC. All logic lives in core.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, screen, session, shell } from 'electron';
import type { IpcMainInvokeEvent, MessageBoxOptions, WebContents } from 'electron';
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
import { appContentSecurityPolicy, isAppResource, isAppUrl, routeUrl } from './app-url.ts';
import { authPromptUrl, readAuthSubmission } from './auth-prompt.ts';
import type { AuthChallenge } from './auth-prompt.ts';
import { certificateQuestion, createCertificateTrust, trustedCertificatesDialog } from './certificate-trust.ts';
import { DEFAULT_DESKTOP_SETTINGS, desktopSettingsPath, readDesktopSettings, restoreBounds, writeDesktopSettings } from './desktop-settings.ts';
import type { DesktopSettings } from './desktop-settings.ts';
import { nextFreePort } from './free-port.ts';
import { askBeforeUnload, LEAVE_QUESTION, loginWindowTitle, revealWhenReady } from './main-window.ts';
import { contextMenuTemplate, menuTemplate } from './menu.ts';
import { createNetMetadataGet } from './net-metadata.ts';
import { DEFAULT_PORT, parseShellArgs, relaunchOptions } from './shell-args.ts';
import type { ShellArgs } from './shell-args.ts';

const APP_NAME = 'SAML JIT Lab';
/** The data folder's name under the OS's app-data folder: the same one the CLI uses (src-main/cli/paths.ts). */
const DATA_FOLDER_NAME = 'saml-jit-lab';
/** Cookies of IdP sessions live here, apart from the app's own session. */
const LOGIN_PARTITION = 'persist:saml-login';
/** Metadata URL imports (Chromium's net: system proxy, PAC): in memory, no cookies kept. */
const METADATA_PARTITION = 'saml-jit-lab-metadata';
/** The HTTP-authentication prompt page: in memory, it never loads anything from the network. */
const AUTH_PROMPT_PARTITION = 'saml-jit-lab-auth-prompt';

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

const isLoginWindow = (contents: WebContents | null): boolean =>
  contents !== null && loginWindow !== null && !loginWindow.isDestroyed() && contents === loginWindow.webContents;

/** IdP certificates Chromium cannot verify: asked about in the login window only (certificate-trust.ts). */
const certificateTrust = createCertificateTrust({
  stored: () => settings.trustedCertificates ?? [],
  save: (list) => saveSettings({ trustedCertificates: list }),
  ask: async (facts) => {
    const question = certificateQuestion(facts);
    const parent = loginWindow && !loginWindow.isDestroyed() ? loginWindow : mainWindow;
    const options: MessageBoxOptions = { type: 'warning', title: APP_NAME, noLink: true, ...question };
    const { response } = await (parent && !parent.isDestroyed() ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
    return question.choices[response] ?? 'refuse';
  },
});

async function manageTrustedCertificates(): Promise<void> {
  const list = certificateTrust.list();
  const view = trustedCertificatesDialog(list);
  const { response } = await messageBox({ type: 'info', title: APP_NAME, message: view.message, detail: view.detail, buttons: view.buttons, cancelId: view.cancelId, defaultId: view.cancelId, noLink: true });
  const action = view.actions[response];
  if (!action || action === 'close') return;
  const removed = action === 'remove-all' ? list : [action.remove];
  for (const entry of removed) await certificateTrust.remove(entry.host, entry.sha256);
  logger.info(`No longer trusted: ${removed.map((c) => `${c.host} (${c.sha256})`).join(', ')}.`);
}

/** Asks for HTTP credentials in a small window of ours (auth-prompt.ts); null when the person cancels or closes it. */
function promptForCredentials(challenge: AuthChallenge, url: string, parent: BrowserWindow | null): Promise<{ username: string; password: string } | null> {
  return new Promise((resolve) => {
    let settled = false;
    const owner = parent && !parent.isDestroyed() ? parent : undefined;
    const prompt = new BrowserWindow({
      width: 440,
      height: 340,
      resizable: false,
      minimizable: false,
      autoHideMenuBar: true,
      title: `Sign in to ${challenge.host} — ${APP_NAME}`,
      ...(owner ? { parent: owner, modal: true } : {}),
      webPreferences: {
        partition: AUTH_PROMPT_PARTITION,
        javascript: false,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webSecurity: true,
        disableBlinkFeatures: 'Auxclick',
      },
    });
    const finish = (credentials: { username: string; password: string } | null): void => {
      if (settled) return;
      settled = true;
      resolve(credentials);
      if (!prompt.isDestroyed()) prompt.close();
    };
    prompt.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    // The form's "submission" is a navigation to AUTH_PROMPT_ACTION: read it here and cancel it, so it never loads.
    prompt.webContents.on('will-navigate', (event) => {
      event.preventDefault();
      const submitted = readAuthSubmission(event.url);
      if (submitted) finish(submitted === 'cancel' ? null : submitted);
    });
    prompt.on('closed', () => finish(null));
    prompt.loadURL(authPromptUrl(challenge, url)).catch((error: unknown) => {
      logger.warn(`The sign-in prompt did not load: ${String(error)}`);
      finish(null);
    });
  });
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
    contents.on('context-menu', (_menuEvent, params) => {
      const template = contextMenuTemplate(params, { dev: !app.isPackaged, inspect: (x, y) => contents.inspectElement(x, y) });
      if (template.length > 0) Menu.buildFromTemplate(template).popup();
    });
  });
  // Electron refuses a certificate Chromium cannot verify unless this handler says otherwise (docs/api/app.md,
  // 'certificate-error'). Only the login window may ask; the app page is local, so anything else is refused.
  app.on('certificate-error', (event, contents, url, error, certificate, callback) => { // eng-disable CERTIFICATE_ERROR_EVENT_JS_CHECK (trusts only what the person accepted for that host, login window only)
    event.preventDefault();
    certificateTrust
      .decide({ url, error, certificate, fromLoginWindow: isLoginWindow(contents) })
      .then(callback, () => callback(false));
  });
  // Electron cancels HTTP authentication (Basic, Digest, NTLM, Negotiate; IdP or proxy) unless 'login' is handled
  // (docs/api/app.md, 'login'): the login window asks; anything else keeps the default (cancel).
  app.on('login', (event, contents, details, authInfo, callback) => {
    if (!isLoginWindow(contents)) return;
    event.preventDefault();
    void promptForCredentials(authInfo, details.url, loginWindow).then((credentials) =>
      credentials ? callback(credentials.username, credentials.password) : callback(),
    );
  });
  // Metadata imports go through Chromium too: a certificate trusted in the login window holds there as well.
  // (Chromium caches verify results per session: a certificate trusted after a failed import is used from restart on.)
  session.fromPartition(METADATA_PARTITION).setCertificateVerifyProc((request, callback) => // eng-disable CERTIFICATE_VERIFY_PROC_JS_CHECK (0 only for a certificate the person trusted for this host; else Chromium's verdict)
    callback(certificateTrust.isTrusted(request.hostname, request.certificate.data) ? 0 : -3),
  );
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
      return { ok: false, error: { code: 'forbidden', message: 'Refused: the call did not come from the lab window.' } };
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
      title: loginWindowTitle(APP_NAME, process.platform),
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
    // The page title would replace ours (and its passkey hint on macOS).
    win.on('page-title-updated', (event) => event.preventDefault());
    loginWindow = win;
  }
  loginWindow.loadURL(url).catch((error: unknown) => logger.warn(`Login window: ${String(error)}`));
  loginWindow.focus();
}

async function startLogin(asDifferentUser: boolean): Promise<void> {
  if (!lab) return;
  certificateTrust.forgetRefusals();
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

/** Shows a screen of the app page by loading its hash route (#/sp, #/idps): a navigation of our own page, no
 * script run in it. Only the hash differs, so Chromium navigates within the document (the router follows
 * `hashchange`); `reload` then re-reads all data. */
async function showRoute(route: string, reload: boolean): Promise<void> {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  await win.loadURL(routeUrl(appEntry, route)).catch((error: unknown) => logger.warn(`Could not show #/${route}: ${String(error)}`));
  if (reload && !win.isDestroyed()) win.webContents.reload();
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

/** The same contract call as the Export screen (`spMetadata.export`), written where the person says. */
async function exportSpMetadata(): Promise<void> {
  if (!lab || !mainWindow) return;
  const result = await lab.handle('spMetadata.export', { signed: false });
  if (!result.ok) {
    showError('The SP metadata was not exported.', result.error.message);
    return;
  }
  const file = contract['spMetadata.export'].output.parse(result.value);
  const picked = await dialog.showSaveDialog(mainWindow, {
    title: 'Export SP metadata',
    defaultPath: file.fileName,
    filters: [{ name: 'SAML metadata', extensions: ['xml'] }],
  });
  if (picked.canceled || !picked.filePath) return;
  try {
    await writeFile(picked.filePath, file.content);
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
  app.relaunch(relaunchOptions(process.argv, process.execPath, process.env));
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
      trustedCertificates: () => void manageTrustedCertificates(),
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
  revealWhenReady(win, bounds.maximized);
  win.webContents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => {
    if (isAppUrl(event.url, appEntry)) return;
    event.preventDefault();
    openExternal(event.url);
  });
  askBeforeUnload(win.webContents, () => dialog.showMessageBoxSync(win, { ...LEAVE_QUESTION, buttons: [...LEAVE_QUESTION.buttons] }) === 0);
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
        metadataGet: createNetMetadataGet({
          request: (options) => net.request({ ...options, session: session.fromPartition(METADATA_PARTITION) }),
          login: (challenge, url) => promptForCredentials(challenge, url, mainWindow),
        }),
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
