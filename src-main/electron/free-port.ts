// Finding a free loopback port to offer when the configured one is taken. Pure Node: unit-tested without electron.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Binds 127.0.0.1:port and releases it; resolves with the bound port (the OS's choice for 0), or null if taken. */
export function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const bound = (server.address() as AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

/** The first free port after `busy` (up to `tries` of them, never above 65535), else one the OS picks. */
export async function nextFreePort(busy: number, tries = 20): Promise<number> {
  for (let port = busy + 1; port <= Math.min(65535, busy + tries); port++) {
    if ((await tryPort(port)) !== null) return port;
  }
  const any = await tryPort(0);
  if (any === null) throw new Error('No free port on 127.0.0.1.');
  return any;
}
