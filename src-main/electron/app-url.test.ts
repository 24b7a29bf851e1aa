import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { describe, expect, it } from 'vitest';
import { appContentSecurityPolicy, DEV_PREAMBLE_HASH, isAppResource, isAppUrl, routeUrl } from './app-url.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

const fileEntry = 'file:///opt/lab/out/renderer/index.html';
const devEntry = 'http://localhost:5173/';

describe('isAppUrl', () => {
  it('accepts the app page with any query or hash', () => {
    expect(isAppUrl(fileEntry, fileEntry)).toBe(true);
    expect(isAppUrl(`${fileEntry}#/logins/1`, fileEntry)).toBe(true);
    expect(isAppUrl('http://localhost:5173/logins?x=1', devEntry)).toBe(true);
  });

  it('refuses other files, other origins and garbage', () => {
    expect(isAppUrl('file:///etc/passwd', fileEntry)).toBe(false);
    expect(isAppUrl('file:///opt/lab/out/renderer/other.html', fileEntry)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:7820/', fileEntry)).toBe(false);
    expect(isAppUrl('http://localhost:5174/', devEntry)).toBe(false);
    expect(isAppUrl('not a url', fileEntry)).toBe(false);
  });

  // pathToFileURL keeps the drive letter's case (a lowercase cwd gives file:///c:/…); Chromium reports the loaded page
  // as file:///C:/…. Compared exactly, every IPC call of the app page was refused on such a start.
  it('matches a Windows entry whatever the case of the drive letter and path (NTFS is case-insensitive)', () => {
    const lower = 'file:///c:/Users/Ana/lab/out/renderer/index.html';
    expect(isAppUrl('file:///C:/Users/Ana/lab/out/renderer/index.html#/idps', lower)).toBe(true);
    expect(isAppUrl('file:///C:/users/ana/Lab/OUT/renderer/index.html', lower)).toBe(true);
    expect(isAppUrl('file:///c:/Users/Ana/lab/out/renderer/index.html', 'file:///C:/Users/Ana/lab/out/renderer/index.html')).toBe(true);
    expect(isAppResource('file:///C:/Users/Ana/lab/out/renderer/assets/index-abc.js', lower)).toBe(true);
    // Still only that file, on that drive.
    expect(isAppUrl('file:///D:/Users/Ana/lab/out/renderer/index.html', lower)).toBe(false);
    expect(isAppUrl('file:///C:/Users/Ana/lab/out/renderer/other.html', lower)).toBe(false);
    expect(isAppResource('file:///C:/Users/Ana/lab/out/main/index.js', lower)).toBe(false);
  });

  it('stays case-sensitive for POSIX paths', () => {
    expect(isAppUrl('file:///OPT/lab/out/renderer/index.html', fileEntry)).toBe(false);
  });
});

describe('routeUrl', () => {
  it('puts a hash route on the entry, dropping any previous hash', () => {
    expect(routeUrl(`${fileEntry}#/logins/1`, 'idps')).toBe(`${fileEntry}#/idps`);
    expect(routeUrl(devEntry, '/sp')).toBe('http://localhost:5173/#/sp');
    const withFile = routeUrl(fileEntry, `idps/add?file=${encodeURIComponent('/tmp/a b.xml')}`);
    expect(isAppUrl(withFile, fileEntry)).toBe(true);
    expect(new URL(withFile).hash).toBe('#/idps/add?file=%2Ftmp%2Fa%20b.xml');
  });
});

describe('isAppResource', () => {
  it('covers files under the renderer folder only', () => {
    expect(isAppResource('file:///opt/lab/out/renderer/assets/index-abc.js', fileEntry)).toBe(true);
    expect(isAppResource('file:///opt/lab/out/main/index.js', fileEntry)).toBe(false);
    expect(isAppResource('https://idp.example.com/', fileEntry)).toBe(false);
  });
});

describe('appContentSecurityPolicy', () => {
  it('allows no inline script and no network outside the app in production', () => {
    const csp = appContentSecurityPolicy({ dev: false });
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('lets the dev server run its preamble and websocket', () => {
    expect(appContentSecurityPolicy({ dev: true })).toContain("script-src 'self' 'unsafe-inline'");
  });

  it('is also in index.html as a <meta>, so it holds however the page is loaded (no frame-ancestors there)', () => {
    const html = readFileSync(join(root, 'src-renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1];
    expect(meta, 'index.html has a CSP meta tag').toBeDefined();
    expect(meta).toBe(appContentSecurityPolicy({ dev: false, meta: true }));
    expect(meta).not.toContain('frame-ancestors');
    expect(/script-src[^;]*/.exec(meta ?? '')?.[0]).not.toContain('unsafe-inline');
    expect(meta).toMatch(/script-src 'self' 'sha256-[^']+';/);
    // Before <script> and before anything that loads: a meta policy applies only to what follows it.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });

  it("allows exactly the installed React plugin's dev preamble inline (electron-vite dev keeps working)", () => {
    const preamble = (react as unknown as { preambleCode: string }).preambleCode.replace('__BASE__', '/');
    expect(DEV_PREAMBLE_HASH).toBe(`'sha256-${createHash('sha256').update(preamble).digest('base64')}'`);
  });
});
