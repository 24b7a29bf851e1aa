import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nextFreePort, tryPort } from './free-port.ts';

const servers: Server[] = [];
async function occupy(port = 0): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('free ports', () => {
  it('tryPort tells a taken port from a free one, and 0 asks the OS', async () => {
    const taken = await occupy();
    expect(await tryPort(taken)).toBeNull();
    const any = await tryPort(0);
    expect(any).toBeGreaterThan(0);
  });

  it('nextFreePort skips taken ports after the busy one', async () => {
    const busy = await occupy();
    let next = await nextFreePort(busy);
    expect(next).not.toBe(busy);
    if (next === busy + 1) {
      // occupy the next one as well: the offer moves on
      await occupy(busy + 1);
      next = await nextFreePort(busy);
      expect(next).not.toBe(busy + 1);
    }
    expect(await tryPort(next)).toBe(next);
  });

  it('falls back to a port the OS picks when the range is exhausted', async () => {
    const next = await nextFreePort(65535);
    expect(next).toBeGreaterThan(0);
    expect(next).toBeLessThanOrEqual(65535);
  });
});
