// The package as a user's CI gets it: `npm run build`, `npm pack` (from a staging copy with its own out/), then `npm install ./saml-jit-lab-X.tgz` into an
// empty temp project (no checkout around it) and `npx saml-jit-lab …` from there. Proves the tarball carries the
// compiled CLI, the renderer, the demo users and the schemas, that the commands work without tsx, Electron or the
// build tools installed, and that resources are found relative to the installed files.
// The install is offline from the npm cache when it can be (every dependency was installed here before), else it
// asks the registry for what the cache lacks.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportFile } from '../contract/index.ts';
import { NOW, SP_ENTITY_ID, ACS_URL, b64, idpMetadataXml, makeKeyPair, signResponse } from '../core/testing/test-idp.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const hasNpm = spawnSync(NPM, ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasNpm) console.log('Skipping the package install test: npm is not on PATH, so there is no `npm pack` / `npm install` to test.');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs a command to completion with a time bound; never throws on a non-zero exit. */
function run(cmd: string, args: string[], opts: { cwd: string; timeoutMs: number; input?: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: 'pipe', env: { ...process.env, npm_config_update_notifier: 'false', ...opts.env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${cmd} ${args.join(' ')} took over ${opts.timeoutMs} ms\n${out}\n${err}`));
    }, opts.timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out, err });
    });
    child.stdin.end(opts.input ?? '');
  });
}

let work: string;
let project: string;
const cli = (args: string[], timeoutMs = 60_000): Promise<Run> => run(NPX, ['--no', '--', 'saml-jit-lab', ...args], { cwd: project, timeoutMs });
/** The installed command itself (what npx runs), for a server that must get Ctrl-C (npx does not pass it on). */
const installedBin = (): string => join(project, 'node_modules', '.bin', process.platform === 'win32' ? 'saml-jit-lab.cmd' : 'saml-jit-lab');

beforeAll(async () => {
  if (!hasNpm) return;
  work = await mkdtemp(join(tmpdir(), 'jitlab-pack-'));
  project = join(work, 'consumer');
  await mkdir(project);
  // The package is made from a staging copy built into its own out/: other tests use the checkout's out/ meanwhile.
  const staging = join(work, 'package');
  await mkdir(staging);
  for (const entry of ['package.json', 'README.md', 'bin', 'resources', 'schemas']) await cp(join(ROOT, entry), join(staging, entry), { recursive: true });
  const built = await run(NPM, ['run', 'build'], { cwd: ROOT, timeoutMs: 240_000, env: { SAML_JIT_LAB_OUT_DIR: join(staging, 'out') } });
  expect(built.code, `npm run build failed:\n${built.err}`).toBe(0);
  const packed = await run(NPM, ['pack', '--json', '--pack-destination', work], { cwd: staging, timeoutMs: 60_000 });
  expect(packed.code, packed.err).toBe(0);
  const [{ filename }] = JSON.parse(packed.out) as [{ filename: string }];
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const install = (mode: string): Promise<Run> => run(NPM, ['install', mode, '--no-audit', '--no-fund', join(work, filename)], { cwd: project, timeoutMs: 180_000 });
  let installed = await install('--offline');
  if (installed.code !== 0 && /ENOTCACHED/.test(installed.err)) {
    console.log('npm cache lacks some dependency metadata: installing with --prefer-offline (asks the registry for the rest).');
    installed = await install('--prefer-offline');
  }
  expect(installed.code, installed.err).toBe(0);
}, 480_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(!hasNpm)('npm pack → npm install ./saml-jit-lab-X.tgz → npx saml-jit-lab', () => {
  it('installs only the runtime: no Electron, no build tools, no tsx; the CLI is compiled JavaScript', async () => {
    const modules = join(project, 'node_modules');
    for (const dev of ['electron', 'electron-vite', 'electron-builder', 'vite', 'tsx', 'esbuild', 'typescript', 'vitest']) {
      expect(existsSync(join(modules, dev)), `${dev} must not be installed with the package`).toBe(false);
    }
    const pkg = join(modules, 'saml-jit-lab');
    expect(existsSync(join(pkg, 'out', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(pkg, 'out', 'renderer', 'index.html'))).toBe(true);
    expect(existsSync(join(pkg, 'src-main'))).toBe(false);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage:\n {2}saml-jit-lab serve/);
    expect(help.err).not.toMatch(/tsx/);
  }, 60_000);

  it('metadata and verify: exit 0 on an accepted response, 1 on a tampered one, 2 on unreadable input', async () => {
    const keys = await makeKeyPair('Package IdP');
    const xml = await signResponse(keys);
    await writeFile(join(work, 'idp.xml'), idpMetadataXml(keys));
    await writeFile(join(work, 'good.b64'), b64(xml));
    await writeFile(join(work, 'tampered.b64'), b64(xml.replace('Anderson', 'Attacker')));
    await writeFile(join(work, 'page.html'), '<!DOCTYPE html><html><body>Sign in</body></html>');

    const md = await cli(['metadata', join(work, 'idp.xml'), '--json']);
    expect(md.code, md.err).toBe(0);
    expect(JSON.parse(md.out)).toMatchObject({ entityId: 'https://idp.test.example/metadata' });
    expect((await cli(['metadata', join(work, 'page.html')])).code).toBe(2);

    const verify = (file: string): Promise<Run> =>
      cli(['verify', '--idp-metadata', join(work, 'idp.xml'), '--sp-entity-id', SP_ENTITY_ID, '--acs-url', ACS_URL, '--response', join(work, file), '--now', NOW.toISOString(), '--json']);
    const good = await verify('good.b64');
    expect(good.code, good.err).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ verdict: 'accepted', nameId: 'alice@example.com' });
    const bad = await verify('tampered.b64');
    expect(bad.code).toBe(1);
    const badJson = JSON.parse(bad.out) as { verdict: string; checks: { id: string; status: string }[] };
    expect(badJson.verdict).toBe('rejected');
    expect(badJson.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toContain('signature.valid');
  }, 120_000);

  it('serve (UI, SP metadata, demo IdP, ACS, API) → exported bundle → replay --config exits 0, and 1 on a rotated certificate', async () => {
    const child = spawn(installedBin(), ['serve', '--port', '0', '--data', join(work, 'data')], { cwd: project, stdio: 'pipe' });
    let output = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`serve printed no URL within 60 s:\n${output}`)), 60_000);
        const onData = (d: Buffer): void => {
          output += d.toString();
          const m = /^http:\/\/127\.0\.0\.1:\d+/m.exec(output);
          if (m) {
            clearTimeout(timer);
            ok(m[0]);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', () => fail(new Error(`serve exited:\n${output}`)));
      });
      expect(output).not.toMatch(/building it once/);
      const ui = await fetch(`${url}/`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toMatch(/<div id="root"/);
      const spMd = await fetch(`${url}/saml/metadata`);
      expect(spMd.status).toBe(200);
      expect(await spMd.text()).toMatch(/AssertionConsumerService/);

      const page = await (await fetch(`${url}/demo-idp/initiate?user=alice`)).text();
      const samlResponse = /name="SAMLResponse" value="([^"]+)"/.exec(page)![1]!;
      const acs = await fetch(`${url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });
      expect(acs.status).toBe(200);
      const exported = (await (await fetch(`${url}/api/bundles.export`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json()) as { ok: boolean; value: ExportFile };
      expect(exported.ok).toBe(true);
      await writeFile(join(work, 'bundle.json'), exported.value.content);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);

    const replay = await cli(['replay', '--config', join(work, 'bundle.json'), '--offline']);
    expect(replay.code, `${replay.out}\n${replay.err}`).toBe(0);
    const bundle = JSON.parse(await readFile(join(work, 'bundle.json'), 'utf8')) as { idp: { metadataXml: string } };
    const oldCert = /<(?:ds:)?X509Certificate>([^<]+)</.exec(bundle.idp.metadataXml)![1]!;
    const rotated = (await makeKeyPair('Rotated IdP')).certificatePem.replace(/-----[^-]+-----|\s/g, '');
    await writeFile(join(work, 'rotated.xml'), bundle.idp.metadataXml.split(oldCert).join(rotated));
    const changed = await cli(['replay', '--config', join(work, 'bundle.json'), '--metadata', join(work, 'rotated.xml')]);
    expect(changed.code).toBe(1);
    expect(changed.out).toMatch(/signature/i);
  }, 240_000);

  it('every other command the installed CLI lists answers its --help', async () => {
    const help = (await cli(['--help'])).out;
    const commands = [...help.matchAll(/^ {2}saml-jit-lab ([a-z-]+)/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(['serve', 'verify', 'metadata', 'replay']));
    for (const command of new Set(commands)) {
      const r = await run(installedBin(), [command, '--help'], { cwd: project, timeoutMs: 60_000 });
      expect(r.code, `${command} --help: ${r.err}`).toBe(0);
      expect(r.out).toContain(`saml-jit-lab ${command}`);
    }
  }, 120_000);
});
