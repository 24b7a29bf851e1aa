// What every little test application here shares: a loopback HTTP server whose handler errors become a 500, the
// form body of a POST, the `sid` session cookie, and a close that does not wait for keep-alive connections.
// Each application (node-saml-sp.ts, samlify-sp.ts) keeps only what its library's README shows.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST to an application's ACS and the library's own outcome: the truth the suite's report is compared with. */
export interface AcsAttempt {
  samlResponse: string;
  accepted: boolean;
  nameId: string | null;
  error: string | null;
}

export interface TinyApp {
  /** http://127.0.0.1:PORT */
  base: string;
  close(): Promise<void>;
}

export async function startTinyApp(handle: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>): Promise<TinyApp> {
  let base = 'http://127.0.0.1';
  const server = createServer((req, res) => {
    handle(req, res, new URL(req.url ?? '/', base)).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end('error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The `sid` cookie the applications set (32 hex digits), if the browser sent one. */
export function sessionId(req: IncomingMessage): string | undefined {
  return /(?:^|;\s*)sid=([a-f0-9]{32})/.exec(req.headers.cookie ?? '')?.[1];
}

/** The first value of a profile or attribute entry that may be a list. */
export function first(value: unknown): string | undefined {
  return Array.isArray(value) ? (value[0] === undefined ? undefined : String(value[0])) : typeof value === 'string' ? value : undefined;
}
