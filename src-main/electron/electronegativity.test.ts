// Doyensec's Electron security scanner over the desktop shell (src-main/electron + src-main/preload + the renderer
// page): 0 findings. Each inline suppression (`eng-disable ID`) is listed here with its reason, and must sit on a line
// that says why. Scanned from source, because inline suppressions do not survive bundling into out/main.
// Offline: the scanner tries to fetch translations (1 s timeout, then English) and Electron's release list; the
// latter is its AvailableSecurityFixesGlobalCheck, excluded here because it needs the network (it would only say
// whether a newer Electron 45.x has security fixes; keeping electron current is a dependency-update task).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { appContentSecurityPolicy } from './app-url.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const requireCjs = createRequire(import.meta.url);

interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  description: string;
}
type Run = (options: Record<string, unknown>) => Promise<{ issues: Issue[]; errors: { file: string; message: string }[]; atomicChecks: number }>;
const runScanner = requireCjs('@doyensec/electronegativity/dist/runner.js') as Run;

const SUPPRESSED: Record<string, string> = {
  OPEN_EXTERNAL_JS_CHECK: 'shell.openExternal is reached only with http(s) URLs (allow-listed on the same line).',
  PRELOAD_JS_CHECK: 'the preload is sandboxed CommonJS exposing only invoke/on; main checks the sender frame of each call.',
  CSP_GLOBAL_CHECK:
    "main.ts: the header CSP is computed, which the scanner cannot parse; index.html: its only finding is script-src 'self' (the bundled renderer only, accepted below). Both are evaluated below with the same evaluator.",
  CERTIFICATE_ERROR_EVENT_JS_CHECK: 'the handler trusts only a certificate the person accepted (fingerprint shown) for that host, in the login window only; everything else is refused (certificate-trust.test.ts).',
  CERTIFICATE_VERIFY_PROC_JS_CHECK: "the metadata session's proc trusts only such accepted certificates and otherwise returns Chromium's own verdict (-3).",
};

const stages: string[] = [];
afterAll(() => {
  for (const dir of stages) rmSync(dir, { recursive: true, force: true });
});
function stage(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'));
  stages.push(dir);
  for (const [name, source] of Object.entries(files)) cpSync(source, join(dir, name));
  return dir;
}
const scan = (input: string): ReturnType<Run> =>
  runScanner({
    input,
    isSarif: false,
    customScan: [],
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    isRelative: true,
    electronVersionOverride: '45.5.0',
    parserPlugins: [],
  });

function shellSources(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const folder of ['electron', 'preload']) {
    for (const name of readdirSync(join(root, 'src-main', folder))) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files[`${folder}/${name}`] = join(root, 'src-main', folder, name);
    }
  }
  files['renderer/index.html'] = join(root, 'src-renderer', 'index.html');
  return files;
}

describe('electronegativity', () => {
  it('finds nothing in the shell, the preload and the renderer page', async () => {
    const files = shellSources();
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['electron/main.ts', 'preload/index.ts']));
    const result = await scan(stage(files));
    expect(result.atomicChecks).toBeGreaterThan(30);
    expect(result.errors, 'every file parsed').toEqual([]);
    expect(result.issues.map((i) => `${i.id} ${i.file}:${i.location.line} ${i.description}`)).toEqual([]);
  });

  it('still finds what it should (the scanner is not blind to this code base)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'electronegativity-canary-'));
    stages.push(dir);
    writeFileSync(
      join(dir, 'bad.js'),
      "const { BrowserWindow, shell } = require('electron');\n" +
        "const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n" +
        "win.webContents.on('new-window', (e, url) => shell.openExternal(url));\n",
    );
    const ids = new Set((await scan(dir)).issues.map((i) => i.id));
    for (const id of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK', 'AUXCLICK_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', 'CSP_GLOBAL_CHECK']) {
      expect(ids).toContain(id);
    }
  });

  it('has only the listed suppressions, each on a line that explains it', () => {
    for (const [name, path] of Object.entries(shellSources())) {
      const lines = readFileSync(path, 'utf8').split('\n');
      lines.forEach((line, index) => {
          const match = /eng-disable\s+([A-Z_]+)(.*)$/.exec(line);
          if (!match) return;
          const [, id = '', rest = ''] = match;
          expect(SUPPRESSED[id], `${name}:${index + 1} suppresses ${id}, which is not listed`).toBeDefined();
          const explainedAbove = (lines[index - 1] ?? '').trim().startsWith('//');
          expect(rest.trim().length > 10 || explainedAbove, `${name}:${index + 1} must say why`).toBe(true);
        });
    }
  });

  it('the CSP the shell sets on the app page (header and meta) passes the same CSP evaluator with no high or medium finding', () => {
    const csp = requireCjs('@doyensec/csp-evaluator') as {
      CspParser: new (policy: string) => { csp: unknown };
      CspEvaluator: new (csp: unknown, version: unknown) => { evaluate(): { severity: number; description: string; directive: string; value?: string }[] };
      Version: { CSP3: unknown };
      severities: Record<string, number>;
    };
    const serious = new Set([csp.severities.SYNTAX, csp.severities.HIGH, csp.severities.MEDIUM, csp.severities.HIGH_MAYBE, csp.severities.MEDIUM_MAYBE]);
    // Explained and accepted: "'self' can be problematic if you host JSONP, Angular or user uploaded files". The app
    // origin is the renderer folder inside app.asar: our own bundled scripts only, no JSONP, no uploads.
    const accepted = new Set(["script-src 'self'"]);
    // The header, and the same policy as index.html's <meta> (plus the dev preamble's hash, minus frame-ancestors).
    for (const policy of [appContentSecurityPolicy({ dev: false }), appContentSecurityPolicy({ dev: false, meta: true })]) {
      const findings = new csp.CspEvaluator(new csp.CspParser(policy).csp, csp.Version.CSP3).evaluate();
      const open = findings.filter((f) => serious.has(f.severity) && !accepted.has(`${f.directive} ${f.value ?? ''}`));
      expect(open.map((f) => `${f.directive}: ${f.description}`), policy).toEqual([]);
    }
    // And a weak policy is caught by it (the check is not vacuous).
    const weak = new csp.CspEvaluator(new csp.CspParser("script-src 'self' 'unsafe-inline' 'unsafe-eval'").csp, csp.Version.CSP3).evaluate();
    expect(weak.some((f) => serious.has(f.severity))).toBe(true);
  });
});
