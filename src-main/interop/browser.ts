// A minimal headless browser for interop tests: cookies, manual redirects, HTML forms. Refuses any URL that is
// not on 127.0.0.1, so a misconfigured IdP can never make a test reach the network.

export interface Page {
  url: string;
  status: number;
  html: string;
}

export interface HtmlForm {
  action: string;
  method: string;
  fields: Record<string, string>;
}

export class LoopbackBrowser {
  private readonly cookies = new Map<string, string>();
  /** Every URL requested, in order (for assertions and failure messages). */
  readonly visited: string[] = [];

  /** GET (or POST a form) and follow redirects; returns the final page. */
  async open(url: string, form?: Record<string, string>, maxRedirects = 10): Promise<Page> {
    let current = url;
    let body = form;
    for (let hop = 0; hop <= maxRedirects; hop++) {
      const res = await this.request(current, body);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).toString();
        body = undefined;
        continue;
      }
      return { url: current, status: res.status, html: await res.text() };
    }
    throw new Error(`More than ${maxRedirects} redirects starting at ${url}: ${this.visited.slice(-5).join(' → ')}`);
  }

  /** One request, no redirect following. */
  async request(url: string, form?: Record<string, string>): Promise<Response> {
    const target = new URL(url);
    if (target.hostname !== '127.0.0.1') throw new Error(`Refusing to leave the loopback interface: ${url}`);
    this.visited.push(`${form ? 'POST' : 'GET'} ${url}`);
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(target, { method: form ? 'POST' : 'GET', headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || value === 'deleted' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Submits a form found on a page, resolving its action against the page URL. */
  submit(page: Page, form: HtmlForm, extra: Record<string, string> = {}): Promise<Page> {
    const action = new URL(form.action || page.url, page.url).toString();
    return this.open(action, { ...form.fields, ...extra });
  }
}

/** The forms of a page with their hidden/text inputs (values HTML-decoded). */
export function formsOf(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = m[1] ?? '';
    const fields: Record<string, string> = {};
    for (const input of (m[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
      const name = attrOf(input[1] ?? '', 'name');
      if (name === null) continue;
      const type = (attrOf(input[1] ?? '', 'type') ?? 'text').toLowerCase();
      if (type === 'submit' || type === 'button' || type === 'image') continue;
      fields[name] = attrOf(input[1] ?? '', 'value') ?? '';
    }
    forms.push({ action: attrOf(attrs, 'action') ?? '', method: (attrOf(attrs, 'method') ?? 'get').toLowerCase(), fields });
  }
  return forms;
}

/** The one form on the page that carries this field, or an error showing the page text. */
export function formWith(page: Page, field: string): HtmlForm {
  const form = formsOf(page.html).find((f) => field in f.fields);
  if (!form) throw new Error(`No form with a "${field}" field at ${page.url} (HTTP ${page.status}):\n${pageText(page.html).slice(0, 1500)}`);
  return form;
}

export function pageText(html: string): string {
  return decodeEntities(html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

function attrOf(attrs: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  if (!m) return null;
  return decodeEntities(m[1] ?? m[2] ?? m[3] ?? '');
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_all, e: string) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? '';
  });
}
