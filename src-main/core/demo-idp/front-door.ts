// The demo IdP's front door, the same rule as the browser-mode API (web/web-host.ts):
//
// - every /demo-idp/ route answers only when `Host` is exactly the listener's own `127.0.0.1:PORT`. A page on
//   another name that resolves to 127.0.0.1 (DNS rebinding) would otherwise read the demo users and signed responses;
// - a sign-in (anything that returns a signed SAML message or saves edits) is accepted only from the demo IdP's own
//   pages — `Origin` equal to the listener's origin, or `Sec-Fetch-Site: same-origin` — or from a script that sends
//   no browser fetch metadata at all (no `Origin`, no `Sec-Fetch-Site`: curl, Node's fetch, Playwright's request).
//   Same-site is not enough: a page on another port of 127.0.0.1 is same-site but not same-origin, and
//   `Sec-Fetch-Site: none` (a typed or bookmarked URL) is refused too, so no link can start a sign-in by itself.
//
// Node's fetch (undici) sends `Sec-Fetch-Mode: cors` and nothing else; browsers that send any Sec-Fetch-* header
// always send Sec-Fetch-Site, so it is Sec-Fetch-Site (and Origin) that tells a browser from a script.
import type { IncomingMessage } from 'node:http';

/** Why the request's Host is not the listener's own, or null when it is. */
export function hostRefusal(req: IncomingMessage, ownOrigin: string): string | null {
  const own = new URL(ownOrigin).host;
  const host = req.headers.host;
  return host === own ? null : `the Host header is "${clip(host ?? '')}", not ${own} (a page reached through another name, as in DNS rebinding)`;
}

/** Why a sign-in request did not come from the demo IdP's own pages or a script, or null when it did. */
export function signInRefusal(req: IncomingMessage, ownOrigin: string): string | null {
  const own = new URL(ownOrigin).origin;
  const origin = header(req, 'origin');
  const site = header(req, 'sec-fetch-site');
  // The browser itself says the initiator is this origin. Its own pages send `Referrer-Policy: no-referrer`, under which
  // Chromium posts forms with `Origin: null` (Fetch: an opaque serialized origin for no-referrer, non-CORS requests),
  // so Origin alone would refuse the demo IdP's own sign-in form; a sandboxed frame is never same-origin.
  if (site === 'same-origin' && (origin === null || origin === own || origin === 'null')) return null;
  if (origin !== null && origin !== own) return `it came from ${origin === 'null' ? 'an opaque origin (a sandboxed frame or a file)' : clip(origin)}, not from the demo IdP's page at ${own}`;
  if (site !== null && site !== 'same-origin') {
    const from = site === 'same-site' ? 'another port or page of the same host' : site === 'none' ? 'a link, bookmark or typed address' : 'another site';
    return `the browser says it came from ${from} (Sec-Fetch-Site: ${clip(site)}), not from the demo IdP's page`;
  }
  return null;
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function clip(value: string): string {
  return value.length > 100 ? `${value.slice(0, 100)}…` : value;
}
