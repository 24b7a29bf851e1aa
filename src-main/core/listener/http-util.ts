// Small HTTP helpers for the listener: bounded body reading, forms, HTML pages.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeXml } from '../util/xml.ts';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

/** Reads the body up to `limit` bytes; past that, stops reading and throws BodyTooLargeError. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function contentType(req: IncomingMessage): string | null {
  const raw = req.headers['content-type'];
  return raw ? (raw.split(';')[0] ?? '').trim().toLowerCase() : null;
}

export function parseForm(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function sendHtml(res: ServerResponse, status: number, html: string, scriptHash?: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:*; ${scriptHash ? `script-src '${scriptHash}';` : ''} frame-ancestors 'none'`,
    'X-Frame-Options': 'DENY',
  });
  res.end(html);
}

export function sendText(res: ServerResponse, status: number, contentTypeValue: string, body: string | Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentTypeValue });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

export const h = escapeXml;

/** A minimal, self-contained page (no external assets) used by the ACS and the demo IdP. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title><style>
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#d9dde3;--accent:#2563eb;--ok:#15803d;--bad:#b91c1c;--warn:#a16207}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--card:#1a1f25;--fg:#e6e9ee;--muted:#9aa4b1;--line:#2c333c;--accent:#60a5fa;--ok:#4ade80;--bad:#f87171;--warn:#facc15}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:880px;margin:32px auto;padding:0 20px}h1{font-size:22px;margin:0 0 4px}p.sub{color:var(--muted);margin:0 0 20px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:0 0 14px}
.users{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:14px}
label{display:block;font-size:12px;color:var(--muted);margin:8px 0 2px}input{width:100%;padding:6px 8px;border:1px solid var(--line);border-radius:6px;background:transparent;color:inherit;font:inherit}
button,a.button{display:inline-block;margin-top:12px;padding:8px 14px;border-radius:7px;border:0;background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-weight:700;font-size:13px}.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}ul.checks{padding-left:18px}ul.checks li{margin:6px 0}
</style></head><body><main>${body}</main></body></html>`;
}

const AUTO_SUBMIT_SCRIPT = 'document.forms[0].submit();';
const AUTO_SUBMIT_HASH = `sha256-${createHash('sha256').update(AUTO_SUBMIT_SCRIPT).digest('base64')}`;

/** An auto-submitting form (the HTTP-POST binding), with a button for browsers without script. */
export function sendAutoPost(res: ServerResponse, action: string, fields: Record<string, string>, title: string): void {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${h(name)}" value="${h(value)}">`)
    .join('');
  const html = page(
    title,
    `<h1>${h(title)}</h1><p class="sub">Posting to <code>${h(action)}</code>.</p>` +
      `<form method="post" action="${h(action)}" data-testid="autopost">${inputs}<noscript><button type="submit">Continue</button></noscript></form>` +
      `<script>${AUTO_SUBMIT_SCRIPT}</script>`,
  );
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src '${AUTO_SUBMIT_HASH}'; form-action ${formActionSource(action)}; frame-ancestors 'none'`,
    'X-Frame-Options': 'DENY',
  });
  res.end(html);
}

function formActionSource(action: string): string {
  try {
    return new URL(action).origin;
  } catch {
    return "'self'";
  }
}
