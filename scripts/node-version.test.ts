// The Node versions the README names must be true of package-lock.json: the "installs without a warning" version
// satisfies every locked package's engines (no EBADENGINE), each package that warns on the minimum version is named,
// and the packaged CLI's production dependencies run on the minimum that package.json's engines declare.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(resolve(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { name?: string; version?: string; dev?: boolean; optional?: boolean; engines?: { node?: string } | string[] }>;
};

interface Locked {
  name: string;
  dev: boolean;
  node: string;
}

const locked: Locked[] = Object.entries(lock.packages)
  .filter(([path, p]) => path !== '' && p.engines && !Array.isArray(p.engines) && typeof p.engines.node === 'string')
  .map(([path, p]) => ({ name: p.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), dev: p.dev === true, node: (p.engines as { node: string }).node }));

const satisfied = (version: string, range: string): boolean => semver.satisfies(version, range, { includePrerelease: true });

describe('Node versions named in the README', () => {
  const clean = /On \*\*Node\.js (\d+\.\d+) or later `npm ci` installs without a warning\*\*/.exec(readme)?.[1];
  const minimum = semver.minVersion(manifest.engines.node)!.version;

  it('the README names the minimum that package.json declares', () => {
    expect(readme).toContain(`Needs Node.js ${minimum.replace(/\.0$/, '')} or later.`);
  });

  it('the version said to install without a warning satisfies every locked package', () => {
    expect(clean, 'the README sentence naming the clean Node version').toBeDefined();
    const warns = locked.filter((p) => !satisfied(`${clean}.0`, p.node)).map((p) => `${p.name} (${p.node})`);
    expect(warns).toEqual([]);
  });

  it('every package that warns on the minimum is named in the README, and only development packages warn', () => {
    const warning = locked.filter((p) => !satisfied(minimum, p.node));
    const paragraph = readme.slice(readme.indexOf('installs without a warning'), readme.indexOf('packaged CLI'));
    expect(warning.filter((p) => !paragraph.includes(`\`${p.name}\``)).map((p) => p.name)).toEqual([]);
    expect(warning.filter((p) => !p.dev).map((p) => `${p.name} (${p.node})`)).toEqual([]);
  });
});
