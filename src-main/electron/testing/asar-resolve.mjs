// Node's module resolution, over files inside an asar archive (read with @electron/asar, never extracted): relative
// paths, bare package names with `exports` maps (conditions, subpaths, patterns), `main`, directory indexes. Used by
// asar-node.mjs in both the main thread (require) and the module-hooks thread (import). Plain JS: no build step.
import fs from 'node:fs';
import Module, { builtinModules, createRequire, syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, posix, sep } from 'node:path';

const requireCjs = createRequire(import.meta.url);
const asar = requireCjs('@electron/asar');

/** Captured before installAsarRequire patches fs (the archive itself is a plain file). */
const statOutside = fs.statSync;
const archives = new Map();
/** Splits an absolute path into the archive file and the path inside it, or null when it is not inside one. */
export function splitAsar(path) {
  const normal = path.split(sep).join('/');
  const match = /^(.*?\.asar)(?:\/(.*))?$/.exec(normal);
  if (!match) return null;
  const archive = match[1];
  if (!archives.has(archive)) {
    let isFile = false;
    try {
      isFile = statOutside(archive).isFile();
    } catch {
      // not an archive
    }
    archives.set(archive, isFile);
  }
  return archives.get(archive) ? { archive, inner: match[2] ?? '' } : null;
}

/** 'file', 'dir' or null for a path inside an archive. */
export function asarKind(path) {
  const parts = splitAsar(path);
  if (!parts) return null;
  if (parts.inner === '') return 'dir';
  try {
    const entry = asar.statFile(parts.archive, parts.inner, true);
    return 'files' in entry ? 'dir' : 'file';
  } catch {
    return null;
  }
}

export function readAsar(path) {
  const parts = splitAsar(path);
  if (!parts) throw new Error(`${path} is not inside an asar archive`);
  return asar.extractFile(parts.archive, parts.inner, true);
}

function readJson(path) {
  if (asarKind(path) !== 'file') return null;
  try {
    return JSON.parse(readAsar(path).toString('utf8'));
  } catch {
    return null;
  }
}

const isBuiltin = (request) => request.startsWith('node:') || builtinModules.includes(request);

function asFile(path, extensions) {
  if (asarKind(path) === 'file') return path;
  for (const ext of extensions) if (asarKind(path + ext) === 'file') return path + ext;
  return null;
}

function asDirectory(path, extensions) {
  if (asarKind(path) !== 'dir') return null;
  const pkg = readJson(`${path}/package.json`);
  if (pkg && typeof pkg.main === 'string') {
    const main = posix.join(path, pkg.main);
    const found = asFile(main, extensions) ?? asFile(`${main}/index`, extensions);
    if (found) return found;
  }
  return asFile(`${path}/index`, extensions);
}

function matchTarget(target, conditions, star) {
  if (typeof target === 'string') return star === undefined ? target : target.split('*').join(star);
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = matchTarget(item, conditions, star);
      if (found) return found;
    }
    return null;
  }
  if (target && typeof target === 'object') {
    for (const [key, value] of Object.entries(target)) {
      if (key === 'default' || conditions.includes(key)) {
        const found = matchTarget(value, conditions, star);
        if (found) return found;
      }
    }
  }
  return null;
}

/** The `exports` target for `subpath` ('.' or './x'), or null. */
export function resolveExports(exports, subpath, conditions) {
  const map = typeof exports === 'string' || Array.isArray(exports) || !Object.keys(exports).some((k) => k.startsWith('.')) ? { '.': exports } : exports;
  if (Object.hasOwn(map, subpath) && !subpath.includes('*')) return matchTarget(map[subpath], conditions);
  let best = null;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1 && (!best || prefix.length > best.prefix.length)) {
      best = { key, prefix, star: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return best ? matchTarget(map[best.key], conditions, best.star) : null;
}

/**
 * Resolves `request` made from `fromDir` (inside an archive). `conditions`: ['import', 'node', …] for ESM,
 * ['require', 'node', …] for CommonJS. Returns { builtin: name } | { path } | null.
 */
export function resolveInAsar(request, fromDir, conditions, { esm }) {
  if (isBuiltin(request)) return { builtin: request };
  const extensions = esm ? [] : ['.js', '.json', '.node'];
  if (request.startsWith('./') || request.startsWith('../') || request.startsWith('/') || request === '.' || request === '..') {
    const target = posix.resolve(fromDir.split(sep).join('/'), request);
    const found = asFile(target, extensions) ?? (esm ? null : asDirectory(target, extensions));
    return found ? { path: found } : null;
  }
  const parts = request.split('/');
  const name = request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const subpath = request.slice(name.length);
  for (let dir = fromDir.split(sep).join('/'); ; dir = posix.dirname(dir)) {
    const pkgDir = `${dir}/node_modules/${name}`;
    const pkg = readJson(`${pkgDir}/package.json`);
    if (pkg) {
      if (pkg.exports !== undefined && pkg.exports !== null) {
        const target = resolveExports(pkg.exports, `.${subpath}`, conditions);
        const found = target ? asFile(posix.join(pkgDir, target), []) : null;
        return found ? { path: found } : null;
      }
      const found = subpath === '' ? asDirectory(pkgDir, ['.js', '.json', '.node']) : asFile(pkgDir + subpath, extensions) ?? asDirectory(pkgDir + subpath, extensions);
      return found ? { path: found } : null;
    }
    if (!splitAsar(dir) || splitAsar(dir).inner === '') return null;
  }
}

/** 'module' or 'commonjs' for a .js file, from the nearest package.json inside the archive. */
export function packageType(path) {
  for (let dir = posix.dirname(path.split(sep).join('/')); splitAsar(dir); dir = posix.dirname(dir)) {
    const pkg = readJson(`${dir}/package.json`);
    if (pkg) return pkg.type === 'module' ? 'module' : 'commonjs';
    if (splitAsar(dir).inner === '') break;
  }
  return 'commonjs';
}

let installed = false;
/** fs.readFileSync / existsSync / statSync and require() for paths into an archive, in this thread. */
export function installAsarRequire() {
  if (installed) return;
  installed = true;
  /** A string path, a file: URL or URL string, as a path when it points into an archive. */
  const asarTarget = (path) => {
    let candidate = path;
    if (candidate instanceof URL) candidate = candidate.protocol === 'file:' ? fileURLToPath(candidate) : null;
    else if (typeof candidate === 'string' && candidate.startsWith('file:')) candidate = fileURLToPath(candidate);
    return typeof candidate === 'string' && splitAsar(candidate) !== null ? candidate : null;
  };
  const inAsar = (path) => asarTarget(path) !== null;
  const original = { readFileSync: fs.readFileSync, existsSync: fs.existsSync, statSync: fs.statSync };

  fs.readFileSync = function readFileSync(path, options) {
    if (!inAsar(path)) return original.readFileSync.apply(fs, arguments);
    const bytes = readAsar(asarTarget(path));
    const encoding = typeof options === 'string' ? options : options?.encoding;
    return encoding ? bytes.toString(encoding) : bytes;
  };
  fs.existsSync = function existsSync(path) {
    return inAsar(path) ? asarKind(asarTarget(path)) !== null : original.existsSync.apply(fs, arguments);
  };
  fs.statSync = function statSync(path, options) {
    if (!inAsar(path)) return original.statSync.apply(fs, arguments);
    path = asarTarget(path);
    const kind = asarKind(path);
    if (!kind) {
      if (options?.throwIfNoEntry === false) return undefined;
      throw Object.assign(new Error(`ENOENT: no such file or directory, stat '${path}'`), { code: 'ENOENT', path });
    }
    return { isFile: () => kind === 'file', isDirectory: () => kind === 'dir', isSymbolicLink: () => false, size: kind === 'file' ? readAsar(path).length : 0 };
  };

  // `import { readFileSync } from 'node:fs'` sees the patched functions only after this.
  syncBuiltinESMExports();

  const originalResolve = Module._resolveFilename;
  Module._resolveFilename = function resolveFilename(request, parent, isMain, options) {
    const fromDir = parent?.filename && inAsar(parent.filename) ? dirname(parent.filename) : request.startsWith('/') && inAsar(request) ? '/' : null;
    if (fromDir !== null) {
      const found = resolveInAsar(request, fromDir, ['require', 'node', 'node-addons'], { esm: false });
      if (found) return found.builtin ?? found.path;
    }
    return originalResolve.call(this, request, parent, isMain, options);
  };
}
