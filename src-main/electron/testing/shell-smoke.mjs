// Runs the BUILT shell (out/main/index.js) with the fake electron and the real core, and checks what the desktop
// app would do: window options, IPC trust, CSP, navigation guards, the menu (import, export, settings, about, data
// folder, sign in as a different user), the login window, the system-browser login, the port-in-use dialog, the
// remembered window bounds, the single-instance lock and shutdown. The login window's browser is played with fetch.
// Usage: node --import ./register-fake-electron.mjs shell-smoke.mjs --data DIR [--port N], with SHELL_SMOKE one of
//   login (default) | system-browser | port-in-use | lock-taken
// Prints one JSON line `{"ok":true,...}` on success; exits non-zero with the failed assertion otherwise.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { URLSearchParams, fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const mainJs = process.env.SHELL_SMOKE_MAIN ?? join(root, 'out/main/index.js');
const scenario = process.env.SHELL_SMOKE ?? 'login';
const fake = () => globalThis.__fakeElectron;
const calls = (name) => fake().calls.filter((c) => c[0] === name);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(condition, what, ms = 10_000) {
  for (const started = Date.now(); Date.now() - started < ms; await sleep(25)) if (await condition()) return;
  throw new Error(`Timed out waiting for ${what}`);
}
const done = (result) => {
  console.log(JSON.stringify({ ok: true, scenario, ...result }));
  process.exit(0);
};

process.env.FAKE_ELECTRON_APP_PATH ??= root;
// A first "login" run restores a maximized window: it must not be shown (blank) before its page painted.
const dataArg = process.argv.indexOf('--data');
const restoreMaximized = scenario === 'login' && !process.env.SHELL_SMOKE_EXPECT_PORT && dataArg > 0;
if (restoreMaximized) {
  writeFileSync(join(process.argv[dataArg + 1], 'desktop.json'), JSON.stringify({ loginIn: 'window', window: { x: 100, y: 80, width: 1280, height: 820, maximized: true } }));
}
await import(pathToFileURL(mainJs).href);

if (scenario === 'lock-taken' || scenario === 'port-in-use') {
  await until(() => fake().exitCode !== null || fake().windows.length > 0, 'the shell to exit or open its window');
  done({ exitCode: fake().exitCode, messageBoxes: fake().messageBoxes, windows: fake().windows.length });
}

await until(() => fake().windows.length > 0 || fake().exitCode !== null, 'the main window');
assert.equal(fake().errorBox, null, `the shell showed an error: ${fake().errorBox}`);
assert.equal(fake().exitCode, null, 'the shell exited');
const [main] = fake().windows;
const invokeFrom = (contents, frame, method, input) =>
  fake().ipcHandlers.get('lab:invoke')({ sender: contents, senderFrame: frame }, method, input);
const invoke = (method, input) => invokeFrom(main.webContents, main.webContents.mainFrame, method, input);
const info = await invoke('app.info', {});
assert.equal(info.ok, true, JSON.stringify(info));
const dataDir = info.value.dataDir;
const listener = info.value.listenerUrl;
const desktopJson = () => JSON.parse(readFileSync(join(dataDir, 'desktop.json'), 'utf8'));
const menuItem = (id) => fake().menu?.getMenuItemById(id);

// Hardening, whatever the scenario.
assert.ok(calls('app.enableSandbox').length === 1, 'app.enableSandbox() before ready');
const prefs = main.options.webPreferences;
assert.deepEqual(
  [prefs.contextIsolation, prefs.sandbox, prefs.nodeIntegration, prefs.webSecurity, prefs.disableBlinkFeatures],
  [true, true, false, true, 'Auxclick'],
  'main window isolation',
);
assert.match(prefs.preload, /out[\\/]preload[\\/]index\.cjs$/);
assert.match(main.webContents.url, /^file:.*out\/renderer\/index\.html$/);
assert.ok(main.shown, 'main window shown');
assert.deepEqual(calls('window.shownBeforePaint'), [], 'no window shown blank before its page painted');
if (restoreMaximized) assert.equal(main.maximized, true, 'the saved maximized state is restored');
assert.ok(calls('app.setPath').some((c) => c[1] === 'userData' && c[2] === dataDir), 'the data folder is the profile');

/** Plays the browser from `url` (demo IdP page) through "Sign in as <user>" to the ACS; returns the ACS answer. */
const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
function fields(html) {
  const form = new URLSearchParams();
  for (const [, attrs] of html.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]*)"/.exec(attrs);
    const value = /value="([^"]*)"/.exec(attrs);
    if (name) form.append(unescape(name[1]), value ? unescape(value[1]) : '');
  }
  return form;
}
async function browse(url, init = {}) {
  for (let hops = 0; hops < 10; hops++) {
    const res = await fetch(url, { ...init, redirect: 'manual' });
    if (res.status < 300 || res.status >= 400) return { url, status: res.status, html: await res.text() };
    url = new URL(res.headers.get('location'), url).href;
    init = {};
  }
  throw new Error('too many redirects');
}
const post = (url, form) =>
  browse(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
async function signInAs(user, startUrl) {
  let page = await browse(startUrl);
  const card = new RegExp(`<form[^>]*data-testid="demo-user-${user}"[^>]*>[\\s\\S]*?</form>`).exec(page.html)?.[0];
  assert.ok(card, `the demo IdP page lists ${user} (HTTP ${page.status})`);
  page = await post(new URL(unescape(/action="([^"]*)"/.exec(card)[1]), page.url).href, fields(card));
  page = await post(unescape(/action="([^"]*)"/.exec(page.html)[1]), fields(page.html));
  assert.equal(page.status, 200, 'the ACS accepted the post');
}

if (scenario === 'system-browser') {
  // Packaged layout, desktop.json saying "system browser" and an off-screen window position (see electron.spec.ts).
  assert.equal(menuItem('toggle-devtools'), null, 'no developer tools in a packaged app');
  assert.equal(menuItem('login-in-system-browser').checked, true);
  assert.ok((await invoke('demoUsers.list', {})).value.length > 0, 'demo users load from process.resourcesPath/resources');
  assert.deepEqual([main.options.width, main.options.height, main.options.x, main.options.y], [1000, 700, undefined, undefined], 'off-screen position dropped, size kept');
  const start = await invoke('logins.start', {});
  assert.equal(start.ok, true, JSON.stringify(start));
  assert.equal(fake().windows.length, 1, 'no login window');
  assert.ok(calls('shell.openExternal').some((c) => c[1] === start.value.url), 'the login opened in the system browser');
  await signInAs('bob', start.value.url);
  await until(() => calls('app.focus').length > 0, 'the app to come to the front');
  assert.deepEqual(calls('app.focus')[0][1], { steal: true });
  assert.ok(main.focusCount > 0, 'main window focused');
  // File › Listener Port… inside an AppImage: the restart runs the .AppImage file, not the binary in its mount
  // (APPDIR is where this "binary" lives; see shell-args.ts relaunchOptions).
  process.env.APPDIR = dirname(process.execPath);
  process.env.APPIMAGE = '/home/ana/Apps/saml-jit-lab-0.1.0-linux-x86_64.AppImage';
  fake().messageBoxAnswers.push({ response: 0 });
  menuItem('change-port').click();
  await until(() => calls('app.relaunch').length > 0, 'the relaunch');
  assert.equal(calls('app.relaunch')[0][1].execPath, process.env.APPIMAGE);
  assert.ok(!calls('app.relaunch')[0][1].args.includes('--port'), 'the relaunch drops --port');
  await until(() => fake().quitted, 'the app to quit');
  done({ listener });
}

// --- scenario "login" (also after "Use port N" in the port-in-use dialog) ---
if (process.env.SHELL_SMOKE_EXPECT_PORT) {
  assert.equal(new URL(listener).port, process.env.SHELL_SMOKE_EXPECT_PORT, 'the listener runs on the offered port');
}
assert.notEqual(menuItem('toggle-devtools'), null, 'developer tools in development');
for (const id of ['import-metadata', 'export-sp-metadata', 'settings', 'change-port', 'open-data-folder', 'sign-in', 'sign-in-different-user', 'login-in-system-browser', 'reload', 'about']) {
  assert.ok(menuItem(id), `menu item ${id}`);
}

// IPC trust and validation.
assert.equal((await invoke(42, {})).error.code, 'unknown-method');
assert.equal((await invoke('nope.nope', {})).error.code, 'unknown-method');
assert.equal((await invoke('app.info', { extra: 1 })).error.code, 'invalid-input');
assert.equal((await invoke('idps.import', { xml: 42 })).error.code, 'invalid-input');
const subFrame = { parent: main.webContents.mainFrame, url: main.webContents.url };
assert.equal((await invokeFrom(main.webContents, subFrame, 'app.info', {})).ok, false, 'sub-frames are refused');
assert.equal((await invokeFrom(main.webContents, null, 'app.info', {})).ok, false, 'gone frames are refused');
const foreignFrame = { parent: null, url: 'https://evil.example/' };
assert.equal((await invokeFrom(main.webContents, foreignFrame, 'app.info', {})).ok, false, 'a foreign page in the main window is refused');
const otherContents = { mainFrame: null };
assert.equal((await invokeFrom(otherContents, main.webContents.mainFrame, 'app.info', {})).ok, false, 'other web contents are refused');

// CSP on the app page, nothing added to other responses.
let answer;
fake().sessions.get('default').headersListener({ url: main.webContents.url, responseHeaders: { 'content-security-policy': ['x'] } }, (r) => (answer = r));
assert.deepEqual(Object.keys(answer.responseHeaders), ['Content-Security-Policy']);
assert.match(answer.responseHeaders['Content-Security-Policy'][0], /default-src 'none'.*script-src 'self';/);
fake().sessions.get('default').headersListener({ url: 'https://idp.example/', responseHeaders: {} }, (r) => (answer = r));
assert.deepEqual(answer, {});
// Permissions: the app page gets clipboard writes only; the login session loopback access only.
const permission = (sessionName, name) => new Promise((resolve) => fake().sessions.get(sessionName).permissionHandler(null, name, resolve));
assert.deepEqual(await Promise.all(['clipboard-sanitized-write', 'media', 'geolocation', 'openExternal'].map((p) => permission('default', p))), [true, false, false, false]);
assert.deepEqual(await Promise.all(['local-network-access', 'notifications', 'media'].map((p) => permission('persist:saml-login', p))), [true, false, false]);
// No <webview> anywhere.
let webviewPrevented = false;
const someContents = new (await import('node:events')).EventEmitter();
(await import('electron')).app.emit('web-contents-created', {}, someContents);
someContents.emit('will-attach-webview', { preventDefault: () => (webviewPrevented = true) });
assert.ok(webviewPrevented, 'webviews are refused');

// Navigation away from the app is blocked; http(s) links open externally; new windows are denied.
let prevented = false;
main.webContents.emit('will-navigate', { url: 'https://example.com/docs', preventDefault: () => (prevented = true) });
assert.ok(prevented, 'navigation away is blocked');
assert.ok(calls('shell.openExternal').some((c) => c[1] === 'https://example.com/docs'));
prevented = false;
main.webContents.emit('will-navigate', { url: `${main.webContents.url}#/accounts`, preventDefault: () => (prevented = true) });
assert.equal(prevented, false, 'in-app navigation is allowed');
assert.deepEqual(main.webContents.openHandler({ url: 'file:///etc/passwd' }), { action: 'deny' });
assert.deepEqual(main.webContents.openHandler({ url: 'https://example.com/' }), { action: 'deny' });
assert.ok(!calls('shell.openExternal').some((c) => c[1].startsWith('file:')), 'file: URLs never open externally');

// A second launch focuses this window.
const focusBefore = main.focusCount;
(await import('electron')).app.emit('second-instance', {}, ['electron', '.'], process.cwd());
assert.ok(main.focusCount > focusBefore, 'second-instance focuses the main window');

// Right-click: the standard edit menu in a text field; Inspect (development) at the clicked point.
const clickedContents = new (await import('node:events')).EventEmitter();
const inspected = [];
clickedContents.inspectElement = (x, y) => inspected.push([x, y]);
(await import('electron')).app.emit('web-contents-created', {}, clickedContents);
const editFlags = { canUndo: true, canRedo: false, canCut: true, canCopy: true, canPaste: true, canSelectAll: true };
clickedContents.emit('context-menu', {}, { isEditable: true, selectionText: '', x: 5, y: 6, editFlags });
const popup = fake().popups.at(-1);
assert.deepEqual(popup.items.filter((i) => i.type !== 'separator').map((i) => i.role ?? i.label), ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'Inspect']);
popup.items.at(-1).click();
assert.deepEqual(inspected, [[5, 6]], 'Inspect opens at the clicked point');

// Metadata URL import goes through Chromium's net (proxy, PAC), in its own session; redirects counted by the core.
const corpMetadata = (await (await fetch(`${listener}/demo-idp/metadata`)).text()).replace(/entityID="[^"]*"/, 'entityID="https://idp.corp.smoke.example/"');
fake().netRoutes.set('https://idp.corp.smoke.example/metadata', { redirect: 'https://idp.corp.smoke.example/federation.xml' });
fake().netRoutes.set('https://idp.corp.smoke.example/federation.xml', { status: 200, body: corpMetadata, headers: { 'content-type': 'application/xml' } });
const fromUrl = await invoke('idps.importUrl', { url: 'https://idp.corp.smoke.example/metadata' });
assert.equal(fromUrl.ok, true, JSON.stringify(fromUrl));
assert.equal(fromUrl.value.entityId, 'https://idp.corp.smoke.example/');
assert.deepEqual(calls('net.request').map((c) => c.slice(1)), [
  ['https://idp.corp.smoke.example/metadata', 'saml-jit-lab-metadata', 'manual'],
  ['https://idp.corp.smoke.example/federation.xml', 'saml-jit-lab-metadata', 'manual'],
]);
const unreachable = await invoke('idps.importUrl', { url: 'https://nowhere.smoke.example/md' });
assert.match(unreachable.error.message, /net::ERR_NAME_NOT_RESOLVED/, 'the error is Chromium\'s');
assert.equal((await invoke('idps.remove', { id: fromUrl.value.id })).ok, true);

// Menu: Settings shows the SP screen.
menuItem('settings').click();
await until(() => main.webContents.url.endsWith('#/sp'), 'the settings screen');

// Menu: Export SP Metadata… writes the listener's metadata where the save dialog says.
const work = mkdtempSync(join(tmpdir(), 'shell-smoke-'));
const exported = join(work, 'sp.xml');
fake().saveDialogAnswers.push({ canceled: false, filePath: exported });
menuItem('export-sp-metadata').click();
await until(() => {
  try {
    return readFileSync(exported, 'utf8').includes(`${listener}/saml/acs`);
  } catch {
    return false;
  }
}, 'the exported SP metadata');
assert.match(readFileSync(exported, 'utf8'), /EntityDescriptor[\s\S]*AssertionConsumerService/);

// Menu: Import IdP Metadata… reads the chosen file through the contract and shows the IdP list, reloaded.
const imported = join(work, 'idp.xml');
const demoMetadata = await (await fetch(`${listener}/demo-idp/metadata`)).text();
writeFileSync(imported, demoMetadata.replace(/entityID="[^"]*"/, 'entityID="https://idp.smoke.example/"'));
fake().openDialogAnswers.push({ canceled: false, filePaths: [imported] });
menuItem('import-metadata').click();
await until(async () => (await invoke('idps.list', {})).value.some((i) => i.entityId === 'https://idp.smoke.example/'), 'the imported IdP');
await until(() => calls('webContents.reload').some((c) => c[1].endsWith('#/idps')), 'the IdP screen reloaded');
// A file that is not metadata: the core's message in an error box, nothing imported.
const notMetadata = join(work, 'not.xml');
writeFileSync(notMetadata, '<x/>');
const boxes = fake().messageBoxes.length;
fake().openDialogAnswers.push({ canceled: false, filePaths: [notMetadata] });
menuItem('import-metadata').click();
await until(() => fake().messageBoxes.length > boxes, 'the import error');
assert.equal(fake().messageBoxes.at(-1).type, 'error');
assert.match(fake().messageBoxes.at(-1).message, /not\.xml was not imported/);
assert.equal((await invoke('idps.list', {})).value.length, 2);
rmSync(work, { recursive: true, force: true });

// Menu: About names the data folder and the listener; Open Data Folder opens it.
fake().messageBoxAnswers.push({ response: 0 });
menuItem('about').click();
await until(() => calls('shell.openPath').length > 0, 'the data folder to open from About');
assert.match(fake().messageBoxes.at(-1).detail, new RegExp(`Data folder: ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
assert.equal(calls('shell.openPath')[0][1], dataDir);

// SP-initiated login: the shell opens an isolated login window.
const start = await invoke('logins.start', {});
assert.equal(start.ok, true, JSON.stringify(start));
assert.equal(start.value.opened, true);
const login = fake().windows[1];
assert.ok(login, 'a login window opened');
const loginPrefs = login.options.webPreferences;
assert.deepEqual(
  [loginPrefs.partition, loginPrefs.preload, loginPrefs.sandbox, loginPrefs.contextIsolation, loginPrefs.nodeIntegration, loginPrefs.disableBlinkFeatures],
  ['persist:saml-login', undefined, true, true, false, 'Auxclick'],
);
assert.equal(login.webContents.url, start.value.url);
assert.equal((await invokeFrom(login.webContents, login.webContents.mainFrame, 'app.info', {})).ok, false, 'login window has no IPC');
for (const [url, blocked] of [['file:///etc/passwd', true], ['ms-settings:privacy', true], ['https://idp.example/login', false]]) {
  let stopped = false;
  login.webContents.emit('will-navigate', { url, preventDefault: () => (stopped = true) });
  assert.equal(stopped, blocked, `login window navigation to ${url}`);
  stopped = false;
  login.webContents.emit('will-redirect', { url, preventDefault: () => (stopped = true) });
  assert.equal(stopped, blocked, `login window redirect to ${url}`);
}
assert.deepEqual(login.webContents.openHandler({ url: 'https://idp.example/help' }), { action: 'deny' });

// An IdP with a self-signed certificate: the login window asks (subject, issuer, SHA-256); "Always Trust" is stored
// and listed; the main window never asks.
const { app: fakeApp } = await import('electron');
const certificate = { data: readFileSync(join(dataDir, 'keys', readdirSync(join(dataDir, 'keys')).find((f) => f.endsWith('-cert.pem'))), 'utf8') };
const certificateError = (contents, url) =>
  new Promise((resolve) => {
    let prevented = false;
    fakeApp.emit('certificate-error', { preventDefault: () => (prevented = true) }, contents, url, 'net::ERR_CERT_AUTHORITY_INVALID', certificate, (trusted) => resolve({ trusted, prevented }), true);
  });
let asked = fake().messageBoxes.length;
assert.deepEqual(await certificateError(main.webContents, 'https://idp.corp.example/'), { trusted: false, prevented: true });
assert.equal(fake().messageBoxes.length, asked, 'no question for the main window');
fake().messageBoxAnswers.push({ response: 2 });
assert.deepEqual(await certificateError(login.webContents, 'https://idp.corp.example/sso'), { trusted: true, prevented: true });
const question = fake().messageBoxes.at(-1);
assert.match(question.detail, /SHA-256: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
assert.match(question.detail, /Subject: .*CN=/);
assert.deepEqual(question.buttons, ['Do Not Trust', 'Trust for This Session', 'Always Trust for idp.corp.example']);
await until(() => desktopJson().trustedCertificates?.length === 1, 'the trusted certificate to be saved');
assert.equal(desktopJson().trustedCertificates[0].host, 'idp.corp.example');
asked = fake().messageBoxes.length;
assert.deepEqual(await certificateError(login.webContents, 'https://idp.corp.example/next'), { trusted: true, prevented: true });
assert.equal(fake().messageBoxes.length, asked, 'trusted: not asked again');
// The metadata session trusts it too (Chromium's net: 0 = trusted, -3 = Chromium's own verdict).
const verify = (hostname) => new Promise((resolve) => fake().sessions.get('saml-jit-lab-metadata').certificateVerifyProc({ hostname, certificate }, resolve));
assert.deepEqual([await verify('idp.corp.example'), await verify('other.example')], [0, -3]);
// Login › Trusted IdP Certificates… lists it; "Remove 1" forgets it.
fake().messageBoxAnswers.push({ response: 0 });
menuItem('trusted-certificates').click();
await until(() => desktopJson().trustedCertificates?.length === 0, 'the certificate to be removed');
assert.match(fake().messageBoxes.at(-1).detail, /idp\.corp\.example — .*CN=/);

// HTTP authentication (Basic/NTLM at the IdP or a proxy): the login window gets a prompt of ours.
const credentials = new Promise((resolve) => {
  fakeApp.emit('login', { preventDefault() {} }, login.webContents, { url: 'https://idp.corp.example/sso' }, { isProxy: false, scheme: 'basic', host: 'idp.corp.example', port: 443, realm: 'Corp' }, (...args) => resolve(args));
});
await until(() => fake().windows.length === 3, 'the sign-in prompt');
const promptWindow = fake().windows[2];
assert.deepEqual([promptWindow.options.webPreferences.javascript, promptWindow.options.webPreferences.sandbox, promptWindow.options.webPreferences.preload, promptWindow.options.parent], [false, true, undefined, login]);
assert.match(decodeURIComponent(promptWindow.webContents.url), /idp\.corp\.example asks for a user name and password/);
let submitPrevented = false;
promptWindow.webContents.emit('will-navigate', { url: 'https://auth-prompt.saml-jit-lab.invalid/submit?username=ana&password=p%40ss&action=sign-in', preventDefault: () => (submitPrevented = true) });
assert.deepEqual(await credentials, ['ana', 'p@ss']);
assert.ok(submitPrevented && promptWindow.destroyed, 'the submission never loads; the prompt closes');
let ignored = true;
fakeApp.emit('login', { preventDefault: () => (ignored = false) }, main.webContents, { url: 'https://x.example/' }, { isProxy: false, scheme: 'basic', host: 'x.example', port: 443, realm: '' }, () => undefined);
assert.ok(ignored, 'the main window gets no prompt (Electron cancels)');

await signInAs('alice', login.webContents.url);
await until(() => login.destroyed, 'the login window to close on login.completed');
const event = main.webContents.sent.find(([channel, name]) => channel === 'lab:event' && name === 'logins.completed');
assert.ok(event, 'login.completed reached the renderer');
assert.equal(event[2].verdict, 'accepted', JSON.stringify(event[2]));
assert.ok(main.focusCount > 0, 'main window focused after the login');
const logins = await invoke('logins.list', {});
assert.deepEqual(logins.value.map((l) => l.verdict), ['accepted']);
const accounts = await invoke('accounts.list', {});
assert.ok(accounts.value.some((a) => /alice/i.test(a.principal)), JSON.stringify(accounts.value));

// Menu: Sign In as a Different User forgets the IdP session, then opens a fresh login window.
menuItem('sign-in-different-user').click();
await until(() => fake().windows.length === 4, 'a new login window');
assert.deepEqual(calls('session.clearStorageData').map((c) => c[1]), ['persist:saml-login']);
assert.deepEqual(calls('session.clearCache').map((c) => c[1]), ['persist:saml-login']);
const secondLogin = fake().windows[3];
assert.equal(secondLogin.options.webPreferences.partition, 'persist:saml-login');
secondLogin.close();

// Menu: the system-browser choice is saved.
menuItem('login-in-system-browser').click();
await until(() => {
  try {
    return desktopJson().loginIn === 'system-browser';
  } catch {
    return false;
  }
}, 'the system-browser setting to be saved');

// Closing the last window saves its bounds, closes the lab (flushing the store), then quits.
main.close();
await until(() => fake().quitted, 'the app to quit after closing the lab');
assert.deepEqual(desktopJson().window, { x: 100, y: 80, width: 1280, height: 820, maximized: restoreMaximized });
done({ listener, principal: accounts.value[0].principal, port: process.env.SHELL_SMOKE_EXPECT_PORT ? desktopJson().port : undefined });
