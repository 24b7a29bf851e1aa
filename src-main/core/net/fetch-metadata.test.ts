// URL imports say what went wrong in words (issue 15.10), not only the system's error code.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LabError } from '../errors.ts';
import { fetchMetadata } from './fetch-metadata.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function failureOf(url: string): Promise<LabError> {
  try {
    await fetchMetadata(url);
  } catch (error) {
    if (error instanceof LabError) return error;
    throw error;
  }
  throw new Error(`${url} was fetched`);
}

describe('fetchMetadata errors in words', () => {
  it('a port where nothing listens: "nothing listens on that port"', async () => {
    const port = await freePort();
    const error = await failureOf(`http://127.0.0.1:${port}/metadata.xml`);
    expect(error.code).toBe('fetch-failed');
    expect(error.message).toContain('nothing listens on that port');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('[ECONNREFUSED]');
  });

  it('a host name that does not resolve: "the host name … does not resolve"', async () => {
    // .invalid never resolves (RFC 2606); no network is needed to learn that.
    const error = await failureOf('https://idp.saml-jit-lab.invalid/metadata.xml');
    expect(error.code).toBe('fetch-failed');
    expect(error.message).toMatch(/the host name idp\.saml-jit-lab\.invalid (does not resolve|could not be resolved right now)/);
  });
});
