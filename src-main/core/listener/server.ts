// The local listener: node:http on 127.0.0.1 only. Routes are tried in order; an error in one is answered with
// a 500 page and never stops the server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LabError } from '../errors.ts';
import type { ExtraRoute, Logger } from '../host.ts';
import { page, sendHtml } from './http-util.ts';

export const LOOPBACK = '127.0.0.1';

export interface Listener {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startListener(port: number, routes: ExtraRoute[], logger: Logger): Promise<Listener> {
  const server: Server = createServer((req, res) => void dispatch(req, res));
  // Slow clients cannot hold the listener: headers within 10 s, the whole request within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    } catch {
      sendHtml(res, 400, page('Bad request', '<h1>Bad request</h1>'));
      return;
    }
    try {
      for (const route of routes) {
        if (await route(req, res, url)) return;
      }
      sendHtml(res, 404, page('Not found', `<h1>Not found</h1><p class="sub">Nothing is served at this path.</p>`));
    } catch (error) {
      logger.error(`${req.method ?? '?'} ${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) sendHtml(res, 500, page('Error', '<h1>Something went wrong</h1><p class="sub">The error was logged; the listener keeps running.</p>'));
      else res.end();
    }
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new LabError('port-in-use', `Port ${port} on ${LOOPBACK} is already in use (is SAML JIT Lab already running?). Choose another port with --port.`, { port }));
      } else if (error.code === 'EACCES') {
        reject(new LabError('port-in-use', `Port ${port} on ${LOOPBACK} cannot be used by this user. Choose a port above 1024 with --port.`, { port }));
      } else {
        reject(error);
      }
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOOPBACK);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
