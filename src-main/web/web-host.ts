// Browser mode: the contract over HTTP (POST /api/<method>), events as server-sent events (GET /events), and
// the built renderer, all on the listener's 127.0.0.1 port. The API answers only requests whose Host is exactly
// that address and port (DNS rebinding) and whose Origin, if any, is the same (CSRF), with a JSON body.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { events, type EventName } from '../contract/index.ts';
import type { ExtraRoute, Lab } from '../core/host.ts';
import { MAX_METADATA_FILE_BYTES, metadataUploadPath, scanMetadataStream } from '../core/idp/aggregate-stream.ts';
import { toErrorBody } from '../core/errors.ts';
import { BodyTooLargeError, contentType, readBody, sendJson } from '../core/listener/http-util.ts';

const API_BODY_LIMIT = 25 * 1024 * 1024;

/** Methods that read the local file system by path: fine for the desktop shell (its own dialogs chose the path),
 * never over HTTP, where a page could name any file. */
const DESKTOP_ONLY = new Set(['idps.inspectFile', 'idps.importFile']);
/** POST /api/upload/metadata: the raw metadata file as the body (no JSON, so no 25 MB limit: read as a stream). */
const UPLOAD_PATH = '/api/upload/metadata';
const UPLOAD_TYPES = new Set(['application/xml', 'text/xml', 'application/samlmetadata+xml', 'application/octet-stream']);
const UPLOAD_LIFETIME_MS = 60 * 60_000;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
};

const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export interface WebHost {
  routes: ExtraRoute[];
  /** Binds to the lab once it exists (the listener must be up before the lab's URL is known). */
  attach(lab: Lab): void;
}

export function createWebHost(rendererDir: string): WebHost {
  let lab: Lab | null = null;
  const clients = new Set<ServerResponse>();

  const sameOrigin = (req: IncomingMessage): string | null => {
    if (!lab) return 'The app is still starting.';
    const own = new URL(lab.url);
    if (req.headers.host !== own.host) return `Host "${req.headers.host ?? ''}" is not ${own.host}.`;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== lab.url) return `Origin "${origin}" is not ${lab.url}.`;
    return null;
  };

  const api: ExtraRoute = async (req, res, url) => {
    if (!url.pathname.startsWith('/api/')) return false;
    const refused = sameOrigin(req);
    if (refused) {
      sendJson(res, 403, { ok: false, error: { code: 'forbidden', message: `Refused: ${refused}` } });
      return true;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { ok: false, error: { code: 'invalid-input', message: 'Use POST with a JSON body.' } });
      return true;
    }
    if (contentType(req) !== 'application/json') {
      sendJson(res, 415, { ok: false, error: { code: 'invalid-input', message: 'The API takes Content-Type: application/json.' } });
      return true;
    }
    let input: unknown;
    try {
      const body = await readBody(req, API_BODY_LIMIT);
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (error) {
      const message = error instanceof BodyTooLargeError ? error.message : 'The body is not valid JSON.';
      sendJson(res, error instanceof BodyTooLargeError ? 413 : 400, { ok: false, error: { code: 'invalid-input', message } });
      return true;
    }
    const method = safeDecode(url.pathname.slice('/api/'.length)) ?? '';
    if (DESKTOP_ONLY.has(method)) {
      sendJson(res, 403, { ok: false, error: { code: 'forbidden', message: `${method} reads a file by its path, which only the desktop app may ask for. In the browser, upload the file instead.` } });
      return true;
    }
    const result = await lab!.handle(method, input);
    sendJson(res, result.ok ? 200 : result.error.code === 'unknown-method' ? 404 : result.error.code === 'internal' ? 500 : 400, result);
    return true;
  };

  const broadcast = (name: EventName, payload: unknown): void => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const client of clients) client.write(frame);
  };

  /** Streams the body to a file under the data folder while listing its IdPs; answers a token and the overview
   * (then `idps.importUpload({token, entityId})`). Progress as idps.importProgress events when `?progress=ID` is given. */
  const upload: ExtraRoute = async (req, res, url) => {
    if (url.pathname !== UPLOAD_PATH) return false;
    const refused = sameOrigin(req);
    const fail = (status: number, message: string): true => {
      sendJson(res, status, { ok: false, error: { code: status === 403 ? 'forbidden' : 'invalid-input', message } });
      return true;
    };
    if (refused) return fail(403, `Refused: ${refused}`);
    if (req.method !== 'POST') return fail(405, 'Use POST with the metadata file as the body.');
    if (!UPLOAD_TYPES.has(contentType(req) ?? '')) return fail(415, `The upload takes the file itself as the body (Content-Type ${[...UPLOAD_TYPES].join(', ')}).`);
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > MAX_METADATA_FILE_BYTES) return fail(413, `The file is larger than ${MAX_METADATA_FILE_BYTES / 1024 / 1024} MB.`);
    const progressId = url.searchParams.get('progress')?.slice(0, 100) || null;
    const token = randomUUID();
    const path = metadataUploadPath(lab!.dataDir, token);
    await mkdir(dirname(path), { recursive: true });
    await forgetOldUploads(dirname(path));
    const file = createWriteStream(path);
    async function* tee(): AsyncGenerator<Buffer> {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        if (!file.write(chunk)) await once(file, 'drain');
        yield chunk;
      }
    }
    try {
      const scan = await scanMetadataStream(tee(), {
        total: Number.isFinite(declared) ? declared : null,
        maxBytes: MAX_METADATA_FILE_BYTES,
        ...(progressId ? { onProgress: (bytes: number, total: number | null) => broadcast('idps.importProgress', { id: progressId, phase: 'reading', bytes, total }) } : {}),
      });
      file.end();
      await once(file, 'finish');
      const { kind, name, idps, entityCount } = scan;
      sendJson(res, 200, { ok: true, value: { token, bytes: scan.bytes, overview: { kind, name, idps, entityCount } } });
    } catch (error) {
      // The write stream opens (and so creates) the file asynchronously: a body refused within its first chunk can
      // fail before that open has happened. Wait for the stream to close, or rm would run first and the open would
      // then leave an empty upload behind.
      const closed = file.closed ? null : once(file, 'close');
      file.destroy();
      await closed;
      await rm(path, { force: true });
      req.resume();
      const body = toErrorBody(error);
      sendJson(res, body.code === 'internal' ? 500 : 400, { ok: false, error: body });
    }
    return true;
  };

  const sse: ExtraRoute = (req, res, url) => {
    if (url.pathname !== '/events') return false;
    const refused = sameOrigin(req);
    if (refused) {
      sendJson(res, 403, { ok: false, error: { code: 'forbidden', message: `Refused: ${refused}` } });
      return true;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
    return true;
  };

  const root = normalize(rendererDir);
  const statics: ExtraRoute = async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const rel = url.pathname === '/' ? 'index.html' : safeDecode(url.pathname.slice(1));
    if (rel === null) return false; // a malformed percent-encoding names no file
    const file = normalize(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) return false;
    try {
      if (!(await stat(file)).isFile()) return false;
    } catch {
      return false;
    }
    const headers: Record<string, string> = {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
    };
    if (file.endsWith('.html')) {
      headers['Content-Security-Policy'] = RENDERER_CSP;
      headers['Cache-Control'] = 'no-store';
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : await readFile(file));
    return true;
  };

  return {
    routes: [upload, api, sse, statics],
    attach(bound) {
      lab = bound;
      for (const name of Object.keys(events) as EventName[]) {
        bound.on(name, (payload) => broadcast(name, payload));
      }
    },
  };
}

/** Uploads nobody imported within the hour are deleted when the next one arrives. */
async function forgetOldUploads(dir: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info !== null && now - info.mtimeMs > UPLOAD_LIFETIME_MS) await rm(path, { force: true });
  }
}

/** decodeURIComponent, or null for a malformed percent-encoding (a 404 or unknown method, never a 500). */
function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
