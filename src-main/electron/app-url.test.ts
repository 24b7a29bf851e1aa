import { describe, expect, it } from 'vitest';
import { appContentSecurityPolicy, isAppResource, isAppUrl } from './app-url.ts';

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
});
