// Startup: browser-mode host ready time, from spawning `saml-jit-lab serve` to its first line with the URL and an
// answered request, with a fresh data folder (keys generated) and again with the same folder (keys and store exist).
// Baseline in the same run: plain `node -e` startup on this machine.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fmt, header, row, tempDir } from './support.ts';

const BIN = resolve(import.meta.dirname, '../bin/saml-jit-lab.mjs');

async function ready(args: string[]): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = '';
      const onData = (d: Buffer): void => {
        out += d.toString();
        const m = out.match(/http:\/\/127\.0\.0\.1:\d+/);
        if (m) ok(m[0]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => (code === 0 && args[0] === '-e' ? ok('') : fail(new Error(`exited ${code}: ${out}`))));
    });
    if (url) await (await fetch(`${url}/saml/metadata`)).text();
    return performance.now() - start;
  } finally {
    child.kill('SIGTERM');
  }
}

export async function startup(): Promise<{ fresh: number; warm: number; node: number }> {
  header('Startup: browser-mode host (`saml-jit-lab serve --port 0`) until it answers');
  const node = await ready(['-e', '0']);
  const dir = await tempDir('startup');
  const fresh = await ready([BIN, 'serve', '--port', '0', '--data', dir]);
  const warm = await ready([BIN, 'serve', '--port', '0', '--data', dir]);
  row('plain `node -e 0`', `${fmt(node, 0)} ms`);
  row('serve, new data folder (generates two 2048-bit key pairs)', `${fmt(fresh, 0)} ms`, { value: fresh / node, against: 'plain node' });
  row('serve, existing data folder', `${fmt(warm, 0)} ms`, { value: warm / node, against: 'plain node' });
  return { fresh, warm, node };
}

if (import.meta.url === `file://${process.argv[1]}`) await startup();
