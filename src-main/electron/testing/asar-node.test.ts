// The asar shim on a small archive: what the packed-app test relies on when it runs the packed main bundle from
// inside app.asar (e2e/electron.spec.ts). Nothing is extracted: a file outside the archive would not be found.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const requireCjs = createRequire(import.meta.url);
const asar = requireCjs('@electron/asar') as { createPackage(src: string, dest: string): Promise<void> };
const shim = join(dirname(fileURLToPath(import.meta.url)), 'asar-node.mjs');

let work = '';
let archive = '';
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'asar-shim-'));
  const app = join(work, 'app');
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'app', type: 'module' }),
    'out/main/index.js': [
      "import { JSONFilePreset } from 'esm-pkg/node';",
      "import esmDefault from 'esm-pkg';",
      "import { SignedThing, helper } from 'cjs-pkg';",
      "import cjsDefault from 'cjs-pkg';",
      "import { readFileSync, existsSync } from 'node:fs';",
      "import { createRequire } from 'node:module';",
      "const req = createRequire(import.meta.url);",
      'console.log(JSON.stringify({',
      '  subpath: JSONFilePreset(), root: esmDefault, named: new SignedThing().name, helper: helper(), cjsKeys: Object.keys(cjsDefault).sort(),',
      "  json: req('cjs-pkg/data.json').answer, read: readFileSync(new URL('./asset.txt', import.meta.url), 'utf8'),",
      "  exists: [existsSync(new URL('./asset.txt', import.meta.url)), existsSync(new URL('./nope.txt', import.meta.url))],",
      "  missing: await import('not-packed').then(() => 'found', (e) => e.code),",
      '}));',
    ].join('\n'),
    'out/main/asset.txt': 'inside the archive',
    'node_modules/esm-pkg/package.json': JSON.stringify({ name: 'esm-pkg', type: 'module', exports: { '.': { import: './lib/index.js', require: './lib/index.cjs' }, './node': { import: './lib/node.js' } } }),
    'node_modules/esm-pkg/lib/index.js': "export default 'esm root via import condition';",
    'node_modules/esm-pkg/lib/index.cjs': "module.exports = 'wrong: require condition';",
    'node_modules/esm-pkg/lib/node.js': "import { inner } from './inner.js'; export const JSONFilePreset = () => `subpath export ${inner}`;",
    'node_modules/esm-pkg/lib/inner.js': "export const inner = 'with a relative import';",
    'node_modules/cjs-pkg/package.json': JSON.stringify({ name: 'cjs-pkg', main: 'lib/index' }),
    'node_modules/cjs-pkg/lib/index.js': "module.exports = { ...require('./types'), helper: require('./helper').helper };",
    'node_modules/cjs-pkg/lib/types.js': "class SignedThing { constructor() { this.name = 'named export of a re-export'; } } exports.SignedThing = SignedThing;",
    'node_modules/cjs-pkg/lib/helper/index.js': "exports.helper = () => 'directory index ' + require('dep-of-cjs');",
    'node_modules/cjs-pkg/data.json': JSON.stringify({ answer: 42 }),
    'node_modules/dep-of-cjs/package.json': JSON.stringify({ name: 'dep-of-cjs', exports: { require: './r.js', default: './d.js' } }),
    'node_modules/dep-of-cjs/r.js': "module.exports = 'and a require-condition dependency';",
    'node_modules/dep-of-cjs/d.js': "module.exports = 'wrong: default condition';",
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(app, name)), { recursive: true });
    writeFileSync(join(app, name), content);
  }
  archive = join(work, 'resources', 'app.asar');
  mkdirSync(dirname(archive), { recursive: true });
  await asar.createPackage(app, archive);
  rmSync(app, { recursive: true, force: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function runInside(entry: string, withShim = true): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [...(withShim ? ['--import', shim] : []), '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(entry).href)});`];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('asar shim', () => {
  it('plain Node cannot load from inside an archive (what the shim is for)', async () => {
    const run = await runInside(join(archive, 'out', 'main', 'index.js'), false);
    expect(run.code).not.toBe(0);
  });

  it('loads ESM and CommonJS from inside the archive: exports conditions and subpaths, re-exports, indexes, JSON, fs', async () => {
    const run = await runInside(join(archive, 'out', 'main', 'index.js'));
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      subpath: 'subpath export with a relative import',
      root: 'esm root via import condition',
      named: 'named export of a re-export',
      helper: 'directory index and a require-condition dependency',
      cjsKeys: ['SignedThing', 'helper'],
      json: 42,
      read: 'inside the archive',
      exists: [true, false],
      missing: 'ERR_MODULE_NOT_FOUND',
    });
  });
});
