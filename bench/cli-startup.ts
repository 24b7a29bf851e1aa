// CLI start-up: `saml-jit-lab --help` and `saml-jit-lab metadata FILE` (and a `verify` of one response) from spawn to
// exit, as a ratio to plain `node -e 0` measured in the same run, interleaved round by round so load on the machine
// hits all of them alike. Needs the compiled CLI (`npm run build`); without it bin/ falls back to tsx and the figures
// say nothing about what users get, so the bench refuses to run.
// `node --import tsx bench/cli-startup.ts [rounds]`
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ACS_URL, NOW, SP_ENTITY_ID, b64, idpMetadataXml, makeKeyPair, signResponse } from '../src-main/core/testing/test-idp.ts';
import { fmt, header, percentile, row, tempDir } from './support.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'saml-jit-lab.mjs');

function timeOnce(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (/tsx/.test(r.stderr)) throw new Error(`${args.join(' ')} ran through tsx: build first (npm run build)`);
  return ms;
}

export async function cliStartup(rounds = 15): Promise<Record<string, number>> {
  header('CLI start-up: spawn to exit, median of interleaved rounds, vs `node -e 0` in the same run');
  if (!existsSync(join(ROOT, 'out', 'cli', 'main.js'))) {
    console.log('- skipped: out/cli/main.js is missing; run `npm run build` first (bin/ would run the sources through tsx).');
    return {};
  }
  const dir = await tempDir('cli');
  try {
    const keys = await makeKeyPair('Bench IdP');
    const metadata = join(dir, 'idp.xml');
    const response = join(dir, 'response.b64');
    await writeFile(metadata, idpMetadataXml(keys));
    await writeFile(response, b64(await signResponse(keys)));
    const commands: Record<string, string[]> = {
      'node -e 0': ['-e', '0'],
      'saml-jit-lab --help': [BIN, '--help'],
      'saml-jit-lab metadata FILE': [BIN, 'metadata', metadata],
      'saml-jit-lab verify (one signed response)': [BIN, 'verify', '--idp-metadata', metadata, '--sp-entity-id', SP_ENTITY_ID, '--acs-url', ACS_URL, '--response', response, '--now', NOW.toISOString()],
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
    for (const args of Object.values(commands)) timeOnce(args); // warm the file cache
    for (let i = 0; i < rounds; i++) for (const [name, args] of Object.entries(commands)) times[name]!.push(timeOnce(args));
    const median: Record<string, number> = {};
    for (const [name, list] of Object.entries(times)) median[name] = percentile(list.sort((a, b) => a - b), 50);
    const base = median['node -e 0']!;
    row('plain `node -e 0`', `${fmt(base, 0)} ms (median of ${rounds})`);
    for (const name of Object.keys(commands).slice(1)) {
      const ratio = median[name]! / base;
      const goal = name.includes('verify') ? undefined : '≤ 5×';
      row(name, `${fmt(median[name]!, 0)} ms`, { value: ratio, against: '`node -e 0`', goal, met: goal ? ratio <= 5 : undefined });
    }
    return median;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await cliStartup(Number(process.argv[2] ?? 15));
