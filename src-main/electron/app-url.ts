// Which URLs are "our app" and the renderer's Content-Security-Policy. Pure: unit-tested under plain Node.

function parsePair(candidate: string, entry: string): [URL, URL] | null {
  try {
    return [new URL(candidate), new URL(entry)];
  } catch {
    return null;
  }
}

/** True when `candidate` is the app page itself: the same file (any query or hash) for a file: entry, the same
 * origin for the dev server entry. */
export function isAppUrl(candidate: string, entry: string): boolean {
  const pair = parsePair(candidate, entry);
  if (!pair) return false;
  const [url, app] = pair;
  if (app.protocol === 'file:') {
    return url.protocol === 'file:' && url.host === app.host && url.pathname === app.pathname;
  }
  return url.origin === app.origin;
}

/** True for resources the app page loads: files under the renderer folder, or the dev server's origin. */
export function isAppResource(candidate: string, entry: string): boolean {
  const pair = parsePair(candidate, entry);
  if (!pair) return false;
  const [url, app] = pair;
  if (app.protocol === 'file:') {
    const folder = app.pathname.slice(0, app.pathname.lastIndexOf('/') + 1);
    return url.protocol === 'file:' && url.host === app.host && url.pathname.startsWith(folder);
  }
  return url.origin === app.origin;
}

/** The renderer talks to the core only over IPC, so it needs no network; Monaco needs inline styles, workers and
 * its font. The dev server additionally needs its inline React-refresh preamble and its websocket. */
export function appContentSecurityPolicy(options: { dev: boolean }): string {
  const directives = [
    "default-src 'none'",
    options.dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    options.dev ? "connect-src 'self' ws:" : "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ];
  return directives.join('; ');
}
