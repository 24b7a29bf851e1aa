// Runs the BUILT shell (out/main/index.js) with the fake electron and the real core, and checks what the desktop
// app would do: window options, IPC trust, CSP, navigation guard, the login window, event forwarding, shutdown.
// The login window's browser is played with fetch. Usage:
//   node --import ./register-fake-electron.mjs shell-smoke.mjs --data DIR --port 0      (SHELL_SMOKE=login)
//   SHELL_SMOKE=port-in-use node --import … shell-smoke.mjs --data DIR --port BUSY_PORT
// Prints one JSON line `{"ok":true,...}` on success; exits non-zero with the failed assertion otherwise.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { URLSearchParams, fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const mainJs = process.env.SHELL_SMOKE_MAIN ?? join(root, 'out/main/index.js');
const fake = () => globalThis.__fakeElectron;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(condition, what, ms = 10_000) {
  for (const started = Date.now(); Date.now() - started < ms; await sleep(25)) if (condition()) return;
  throw new Error(`Timed out waiting for ${what}`);
}

process.env.FAKE_ELECTRON_APP_PATH ??= root;
await import(pathToFileURL(mainJs).href);

if (process.env.SHELL_SMOKE === 'port-in-use') {
  await until(() => fake().exitCode !== null, 'the shell to exit');
  console.log(JSON.stringify({ ok: true, exitCode: fake().exitCode, errorBox: fake().errorBox, windows: fake().windows.length }));
  process.exit(0);
}

await until(() => fake().windows.length > 0 || fake().exitCode !== null, 'the main window');
assert.equal(fake().errorBox, null, `the shell showed an error: ${fake().errorBox}`);
const [main] = fake().windows;
const prefs = main.options.webPreferences;
assert.deepEqual(
  [prefs.contextIsolation, prefs.sandbox, prefs.nodeIntegration, prefs.webSecurity],
  [true, true, false, true],
  'main window isolation',
);
assert.match(prefs.preload, /out[\\/]preload[\\/]index\.cjs$/);
assert.match(main.webContents.url, /^file:.*out\/renderer\/index\.html$/);
assert.ok(main.shown, 'main window shown');

const invokeFrom = (contents, frame, method, input) =>
  fake().ipcHandlers.get('lab:invoke')({ sender: contents, senderFrame: frame }, method, input);
const invoke = (method, input) => invokeFrom(main.webContents, main.webContents.mainFrame, method, input);

const info = await invoke('app.info', {});
assert.equal(info.ok, true, JSON.stringify(info));
assert.equal(info.value.mode, 'electron');
const dataDir = info.value.dataDir;
assert.ok(fake().calls.some((c) => c[0] === 'app.setPath' && c[1] === 'userData' && c[2] === dataDir), '--data is the profile');
assert.equal((await invoke(42, {})).error.code, 'unknown-method');
assert.equal((await invoke('app.info', { extra: 1 })).error.code, 'invalid-input');
const subFrame = { parent: main.webContents.mainFrame, url: main.webContents.url };
assert.equal((await invokeFrom(main.webContents, subFrame, 'app.info', {})).ok, false, 'sub-frames are refused');
assert.equal((await invokeFrom(main.webContents, null, 'app.info', {})).ok, false, 'gone frames are refused');

// CSP on the app page, nothing added to other responses.
let answer;
fake().sessions.get('default').headersListener({ url: main.webContents.url, responseHeaders: { 'content-security-policy': ['x'] } }, (r) => (answer = r));
assert.deepEqual(Object.keys(answer.responseHeaders), ['Content-Security-Policy']);
assert.match(answer.responseHeaders['Content-Security-Policy'][0], /default-src 'none'.*script-src 'self';/);
fake().sessions.get('default').headersListener({ url: 'https://idp.example/', responseHeaders: {} }, (r) => (answer = r));
assert.deepEqual(answer, {});

// Navigation away from the app is blocked; http(s) links open externally; new windows are denied.
let prevented = false;
main.webContents.emit('will-navigate', { url: 'https://example.com/docs', preventDefault: () => (prevented = true) });
assert.ok(prevented, 'navigation away is blocked');
assert.ok(fake().calls.some((c) => c[0] === 'shell.openExternal' && c[1] === 'https://example.com/docs'));
prevented = false;
main.webContents.emit('will-navigate', { url: `${main.webContents.url}#/accounts`, preventDefault: () => (prevented = true) });
assert.equal(prevented, false, 'in-app navigation is allowed');
assert.deepEqual(main.webContents.openHandler({ url: 'file:///etc/passwd' }), { action: 'deny' });

// SP-initiated login: the shell opens an isolated login window.
const start = await invoke('login.start', {});
assert.equal(start.ok, true, JSON.stringify(start));
assert.equal(start.value.opened, true);
const login = fake().windows[1];
assert.ok(login, 'a login window opened');
const loginPrefs = login.options.webPreferences;
assert.equal(loginPrefs.partition, 'persist:saml-login');
assert.equal(loginPrefs.preload, undefined);
assert.equal(loginPrefs.sandbox, true);
assert.equal(login.webContents.url, start.value.url);
assert.equal((await invokeFrom(login.webContents, login.webContents.mainFrame, 'app.info', {})).ok, false, 'login window has no IPC');

// Play the login window's browser: demo IdP page → "Sign in as Alice" → auto-post to the ACS.
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
let page = await browse(login.webContents.url);
const card = /<form[^>]*data-testid="demo-user-alice"[^>]*>[\s\S]*?<\/form>/.exec(page.html)?.[0];
assert.ok(card, `the demo IdP page lists alice (HTTP ${page.status})`);
assert.match(card, /data-testid="demo-signin-alice"/);
page = await post(new URL(unescape(/action="([^"]*)"/.exec(card)[1]), page.url).href, fields(card));
page = await post(unescape(/action="([^"]*)"/.exec(page.html)[1]), fields(page.html));
assert.equal(page.status, 200, 'the ACS accepted the post');

await until(() => login.destroyed, 'the login window to close on login.completed');
const event = main.webContents.sent.find(([channel, name]) => channel === 'lab:event' && name === 'login.completed');
assert.ok(event, 'login.completed reached the renderer');
assert.equal(event[2].verdict, 'accepted', JSON.stringify(event[2]));
assert.ok(main.focusCount > 0, 'main window focused after the login');
const logins = await invoke('logins.list', {});
assert.deepEqual(logins.value.map((l) => l.verdict), ['accepted']);
const accounts = await invoke('accounts.list', {});
assert.ok(accounts.value.some((a) => /alice/i.test(a.principal)), JSON.stringify(accounts.value));

// Closing the last window closes the lab (flushing the store), then quits.
main.close();
await until(() => fake().quitted, 'the app to quit after closing the lab');
console.log(JSON.stringify({ ok: true, listener: info.value.listenerUrl, principal: accounts.value[0].principal }));
process.exit(0);
