// The suite's browser: one cookie jar per case, requests only to 127.0.0.1, every request with a timeout and a
// size cap, redirects followed by hand (bounded) so that the hop to the lab IdP is caught and answered in-process.
import { LabError } from '../errors.ts';

export const REQUEST_TIMEOUT_MS = 30_000;
export const MAX_PAGE_BYTES = 1024 * 1024;
export const MAX_REDIRECTS = 8;

export interface Page {
  url: string;
  status: number;
  location: string | null;
  body: string;
}

/** Cookies by name, as a browser would keep them for one host (the SP under test is on 127.0.0.1). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string | null {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : null;
  }

  store(setCookies: string[]): void {
    for (const line of setCookies.slice(0, 50)) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k = '', v = ''] = a.split('=').map((s) => s.trim());
        if (k.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k.toLowerCase() === 'expires') return Date.parse(v) < Date.now();
        return false;
      });
      if (expired || value === '' || value === 'deleted') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

function loopback(url: string): URL {
  const u = new URL(url);
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname !== '127.0.0.1') {
    throw new LabError('forbidden', `Refused to contact ${u.origin}: the suite only talks to applications on 127.0.0.1.`);
  }
  return u;
}

/** One request (no redirect following). */
export async function request(jar: CookieJar, url: string, init: { method?: 'GET' | 'POST'; form?: Record<string, string>; timeoutMs?: number } = {}): Promise<Page> {
  const target = loopback(url);
  const headers: Record<string, string> = { Accept: 'text/html,application/json;q=0.9,*/*;q=0.8', 'User-Agent': 'saml-jit-lab test-sp' };
  const cookie = jar.header();
  if (cookie) headers.Cookie = cookie;
  let body: string | undefined;
  if (init.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const res = await fetch(target, { method: init.method ?? 'GET', headers, body, redirect: 'manual', signal: AbortSignal.timeout(init.timeoutMs ?? REQUEST_TIMEOUT_MS) });
  jar.store(res.headers.getSetCookie());
  const text = await readCapped(res);
  const location = res.headers.get('location');
  return { url: target.toString(), status: res.status, location: location ? new URL(location, target).toString() : null, body: text };
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_PAGE_BYTES) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Follows redirects (GET) from `page`, at most MAX_REDIRECTS hops, stopping before any URL `stop` claims. */
export async function follow(jar: CookieJar, page: Page, stop: (url: URL) => boolean = () => false): Promise<{ page: Page; chain: Page[] }> {
  const chain = [page];
  let current = page;
  for (let hop = 0; hop < MAX_REDIRECTS && current.status >= 300 && current.status < 400 && current.location; hop++) {
    if (stop(new URL(current.location))) break;
    current = await request(jar, current.location);
    chain.push(current);
  }
  return { page: current, chain };
}

/** The fields of the first HTML form on a page (an HTTP-POST binding auto-submit page), or null. */
export function firstForm(html: string, base: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return null;
  const action = /\baction\s*=\s*["']([^"']*)["']/i.exec(form[1] ?? '')?.[1];
  if (action === undefined) return null;
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? '').match(/<input\b[^>]*>/gi) ?? []) {
    const name = /\bname\s*=\s*["']([^"']*)["']/i.exec(input)?.[1];
    const value = /\bvalue\s*=\s*["']([^"']*)["']/i.exec(input)?.[1] ?? '';
    if (name) fields[decodeEntities(name)] = decodeEntities(value);
  }
  return { action: new URL(decodeEntities(action), base).toString(), fields };
}

function codePoint(n: number): string {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '\uFFFD';
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]{1,8});/gi, (_m, hex: string) => codePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d{1,8});/g, (_m, dec: string) => codePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
