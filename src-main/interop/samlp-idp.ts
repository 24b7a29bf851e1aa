// The npm package `samlp` (Auth0's SAML IdP middleware) run in-process behind a plain node:http server on a free
// loopback port: its metadata endpoint, its AuthnRequest parsing and its response minting (assertion signed, WS-Fed
// claim URIs from the Passport profile mapper). The login page and the user store are the only parts written here.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { generate } from 'selfsigned';

const requireCjs = createRequire(import.meta.url);

type Next = (error?: unknown) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;
interface SamlpModule {
  auth(options: Record<string, unknown>): Middleware;
  metadata(options: Record<string, unknown>): Middleware;
}

export interface SamlpUser {
  username: string;
  password: string;
  /** Becomes the NameID (persistent format). */
  id: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface SamlpIdp {
  baseUrl: string;
  entityId: string;
  metadataXml: string;
  users: SamlpUser[];
  /** Registers the SP (entity ID and ACS URL) this IdP will answer. */
  registerSp(entityId: string, acsUrl: string): void;
  /** GET this, log in, and the IdP posts an unsolicited response to the registered SP. */
  idpInitiatedUrl: string;
  close(): Promise<void>;
}

export const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

/** Why samlp cannot run here, or null when it can. */
export function samlpUnavailable(): string | null {
  try {
    requireCjs.resolve('samlp');
    return null;
  } catch {
    return 'the npm package samlp is not installed: npm install --save-dev samlp';
  }
}

export async function startSamlpIdp(users: SamlpUser[]): Promise<SamlpIdp> {
  const samlp = requireCjs('samlp') as SamlpModule;
  const pems = await generate([{ name: 'commonName', value: 'samlp interop IdP' }], { keySize: 2048, algorithm: 'sha256' });
  let baseUrl = '';
  const entityId = 'urn:saml-jit-lab:interop:samlp';
  let sp: { entityId: string; acsUrl: string } | null = null;

  const common = { issuer: entityId, cert: pems.cert, key: pems.private, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' };
  const metadata = samlp.metadata({ ...common, redirectEndpointPath: '/sso', postEndpointPath: '/sso' });

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`IdP error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const body = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(await readBody(req))) : {};
    const express = expressShim(req, res, url, body);
    if (req.method === 'GET' && url.pathname === '/metadata') return metadata(express.req, express.res, express.next);
    if (req.method === 'GET' && url.pathname === '/sso') {
      // SP-initiated: show the login form, carrying the AuthnRequest along.
      return loginPage(res, { SAMLRequest: url.searchParams.get('SAMLRequest') ?? '', RelayState: url.searchParams.get('RelayState') ?? '' }, null);
    }
    if (req.method === 'GET' && url.pathname === '/initiate') return loginPage(res, {}, null);
    if (req.method === 'POST' && url.pathname === '/login') {
      const user = users.find((u) => u.username === body.username && u.password === body.password);
      const carried = { SAMLRequest: body.SAMLRequest ?? '', RelayState: body.RelayState ?? '' };
      if (!user) return loginPage(res, carried, 'Wrong username or password.');
      if (!sp) throw new Error('No SP registered with this IdP.');
      const registered = sp;
      Object.assign(express.req, {
        user: { id: user.id, displayName: `${user.givenName} ${user.familyName}`, name: { givenName: user.givenName, familyName: user.familyName }, emails: [{ value: user.email }] },
      });
      const auth = samlp.auth({
        ...common,
        audience: registered.entityId,
        recipient: registered.acsUrl,
        destination: registered.acsUrl,
        nameIdentifierFormat: PERSISTENT,
        lifetimeInSeconds: 300,
        RelayState: carried.RelayState || undefined,
        // Only ever post to the registered ACS, whatever the AuthnRequest asks for.
        getPostURL: (_audience: string, request: Document | null, _req: unknown, callback: (err: unknown, url?: string) => void) => {
          const asked = request?.documentElement.getAttribute('AssertionConsumerServiceURL');
          callback(null, !asked || asked === registered.acsUrl ? registered.acsUrl : undefined);
        },
      });
      return auth(express.req, express.res, express.next);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const metadataXml = await (await fetch(`${baseUrl}/metadata`)).text();

  return {
    baseUrl,
    entityId,
    metadataXml,
    users,
    registerSp(spEntityId, acsUrl) {
      sp = { entityId: spEntityId, acsUrl };
    },
    idpInitiatedUrl: `${baseUrl}/initiate`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function loginPage(res: ServerResponse, carried: Record<string, string>, error: string | null): void {
  const h = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const hidden = Object.entries(carried).map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`).join('');
  res.writeHead(error ? 401 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>samlp IdP</title>${error ? `<p role="alert">${h(error)}</p>` : ''}<form method="post" action="/login">${hidden}<input name="username" value=""><input type="password" name="password" value=""><button>Sign in</button></form>`);
}

/** The parts of Express's req/res that samlp uses. */
function expressShim(req: IncomingMessage, res: ServerResponse, url: URL, body: Record<string, string>): { req: IncomingMessage; res: ServerResponse; next: Next } {
  Object.assign(req, { query: Object.fromEntries(url.searchParams), body, protocol: 'http', originalUrl: url.pathname + url.search });
  let status = 200;
  Object.assign(res, {
    set: (name: string, value: string) => res.setHeader(name, value),
    status: (code: number) => {
      status = code;
      return res;
    },
    send: (a: unknown, b?: unknown) => {
      const [code, payload] = typeof a === 'number' ? [a, b] : [status, a];
      res.statusCode = code;
      res.end(payload === undefined ? '' : typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : String(payload));
    },
  });
  const next: Next = (error) => {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end(`samlp error: ${error instanceof Error ? error.message : String(error ?? 'not handled')}`);
  };
  return { req, res, next };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
