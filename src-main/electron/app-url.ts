// Which URLs are "our app" and the renderer's Content-Security-Policy. Pure: unit-tested under plain Node.

function parsePair(candidate: string, entry: string): [URL, URL] | null {
  try {
    return [new URL(candidate), new URL(entry)];
  } catch {
    return null;
  }
}

/** A Windows file URL's path (`/C:/…`) compared case-insensitively: `pathToFileURL` keeps the drive letter as the
 * process was started (`file:///c:/…` from a lowercase cwd, common in VS Code tasks) while Chromium reports the
 * loaded page with an uppercase drive letter (GURL canonicalises `file:///c:/` to `file:///C:/`), and NTFS paths are
 * case-insensitive anyway. A path without a drive letter is compared exactly (POSIX file systems are case-sensitive). */
const WINDOWS_DRIVE = /^\/[A-Za-z](?::|%3A)\//i;
function samePath(a: string, b: string): boolean {
  if (WINDOWS_DRIVE.test(a) && WINDOWS_DRIVE.test(b)) return decodeDrive(a).toLowerCase() === decodeDrive(b).toLowerCase();
  return a === b;
}
function pathStartsWith(path: string, folder: string): boolean {
  if (WINDOWS_DRIVE.test(path) && WINDOWS_DRIVE.test(folder)) return decodeDrive(path).toLowerCase().startsWith(decodeDrive(folder).toLowerCase());
  return path.startsWith(folder);
}
/** `/c%3A/` (a drive colon percent-encoded by some producers) as `/c:/`. */
const decodeDrive = (path: string): string => path.replace(/^(\/[A-Za-z])%3A/i, '$1:');

/** True when `candidate` is the app page itself: the same file (any query or hash) for a file: entry, the same
 * origin for the dev server entry. */
export function isAppUrl(candidate: string, entry: string): boolean {
  const pair = parsePair(candidate, entry);
  if (!pair) return false;
  const [url, app] = pair;
  if (app.protocol === 'file:') {
    return url.protocol === 'file:' && url.host === app.host && samePath(url.pathname, app.pathname);
  }
  return url.origin === app.origin;
}

/** The app page at a hash route (`idps`, `sp`, `idps/add?file=…`): what the shell loads to show a screen, instead of
 * running script in the page. */
export function routeUrl(entry: string, route: string): string {
  const url = new URL(entry);
  url.hash = `#/${route.replace(/^[#/]+/, '')}`;
  return url.href;
}

/** True for resources the app page loads: files under the renderer folder, or the dev server's origin. */
export function isAppResource(candidate: string, entry: string): boolean {
  const pair = parsePair(candidate, entry);
  if (!pair) return false;
  const [url, app] = pair;
  if (app.protocol === 'file:') {
    const folder = app.pathname.slice(0, app.pathname.lastIndexOf('/') + 1);
    return url.protocol === 'file:' && url.host === app.host && pathStartsWith(url.pathname, folder);
  }
  return url.origin === app.origin;
}

/** SHA-256 of the inline module script @vitejs/plugin-react's dev server puts into index.html (its React-refresh
 * preamble with base "/"). The `<meta>` policy allows exactly that script, so `electron-vite dev` still runs with the
 * meta tag in place; app-url.test.ts recomputes it from the installed plugin and fails when an upgrade changes it. */
export const DEV_PREAMBLE_HASH = "'sha256-Z2/iFzh9VMlVkEOar1f/oSHWwQk3ve1qk/C2WdsC4Xk='";

/** The renderer talks to the core only over IPC, so it needs no network; Monaco needs inline styles, workers and
 * its font. The dev server additionally needs its inline React-refresh preamble and its websocket.
 * `meta: true` gives the policy of src-renderer/index.html's `<meta http-equiv>`, which holds however the page is
 * loaded (file:, the dev server, browser mode): the production policy without `frame-ancestors` (a meta-delivered
 * policy may not carry it: CSP3 ignores it there with a console warning), plus the dev preamble's hash. Both the
 * header and the meta policy are enforced where both exist: a resource must pass each. */
export function appContentSecurityPolicy(options: { dev: boolean; meta?: boolean }): string {
  const directives = [
    "default-src 'none'",
    options.dev ? "script-src 'self' 'unsafe-inline'" : options.meta ? `script-src 'self' ${DEV_PREAMBLE_HASH}` : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    options.dev ? "connect-src 'self' ws:" : "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    ...(options.meta ? [] : ["frame-ancestors 'none'"]),
  ];
  return directives.join('; ');
}
