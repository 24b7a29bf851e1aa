// `saml-jit-lab serve` as a user runs it: the scripted loop from the README, a port in use, Ctrl-C.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/saml-jit-lab.mjs');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-serve-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function start(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string; url: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: 'pipe' });
  let out = '';
  const url = new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /^http:\/\/127\.0\.0\.1:\d+$/m.exec(out);
      if (m) resolveUrl(m[0]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', () => reject(new Error(`serve exited before printing a URL:\n${out}`)));
  });
  url.catch(() => {});
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, url, exit };
}

describe('saml-jit-lab serve', () => {
  it('runs the scripted loop: initiate → ACS → accounts.list; a second serve on the port says so in one line; Ctrl-C stops it', async () => {
    const server = start(['--port', '0', '--data', join(dir, 'a')]);
    try {
      const url = await server.url;
      const page = await (await fetch(`${url}/demo-idp/initiate?user=carol`)).text();
      const samlResponse = /name="SAMLResponse" value="([^"]+)"/.exec(page)![1]!;
      const acs = await fetch(`${url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });
      expect(acs.status).toBe(200);
      const accounts = (await (await fetch(`${url}/api/accounts.list`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json()) as { ok: boolean; value: { principal: string; fields: Record<string, string> }[] };
      expect(accounts.ok).toBe(true);
      expect(accounts.value).toEqual([expect.objectContaining({ principal: 'carol@example.com', fields: expect.objectContaining({ lastName: 'Clark' }) })]);

      const busy = start(['--port', new URL(url).port, '--data', join(dir, 'b')]);
      expect(await busy.exit).toBe(1);
      const lines = busy.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Port \d+ on 127\.0\.0\.1 is already in use/);
      // …and offers the next free port as the command to run (issue 15.10).
      const offered = /The next free port is (\d+): saml-jit-lab serve --port (\d+)$/.exec(lines[0]!);
      expect(offered?.[1]).toBe(offered?.[2]);
      expect(Number(offered?.[1])).not.toBe(Number(new URL(url).port));
    } finally {
      server.child.kill('SIGINT');
    }
    expect(await server.exit).toBe(0);
    expect(server.output()).toContain('Stopped.');
  }, 120_000);
});
