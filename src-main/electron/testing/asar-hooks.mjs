// Module hooks for asar-node.mjs: imports from and into an asar archive are resolved and read inside it.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { asarKind, installAsarRequire, packageType, readAsar, resolveInAsar, splitAsar } from './asar-resolve.mjs';

// require() into the archive in this (hooks) thread too: the names a CommonJS module exports are read by loading it.
installAsarRequire();

const asarPath = (url) => {
  if (typeof url !== 'string' || !url.startsWith('file:')) return null;
  const path = fileURLToPath(url);
  return splitAsar(path) ? path : null;
};

function formatOf(path) {
  if (path.endsWith('.mjs')) return 'module';
  if (path.endsWith('.cjs')) return 'commonjs';
  if (path.endsWith('.json')) return 'json';
  return packageType(path);
}

export async function resolve(specifier, context, next) {
  const direct = asarPath(specifier);
  if (direct && asarKind(direct) === 'file') return { url: specifier, format: formatOf(direct), shortCircuit: true };
  const parent = asarPath(context.parentURL);
  if (parent && !specifier.startsWith('file:')) {
    const found = resolveInAsar(specifier, dirname(parent), [...context.conditions], { esm: true });
    if (found?.path) return { url: pathToFileURL(found.path).href, format: formatOf(found.path), shortCircuit: true };
  }
  // Builtins, and what the archive does not hold (e.g. `electron`, which Electron provides).
  return next(specifier, context);
}

/** An ES module standing for a CommonJS one: Node's own CommonJS translator reads re-exported files with an fs
 * function captured before any patch (so not from the archive); instead the module is required (the patched
 * require reads the archive) and its export names, read by loading it here, are re-exported. */
function commonJsFacade(url, path) {
  const names = Object.keys(createRequire(url)(path)).filter((name) => name !== 'default' && name !== '__esModule');
  return [
    "import { createRequire } from 'node:module';",
    `const m = createRequire(${JSON.stringify(url)})(${JSON.stringify(path)});`,
    'export default m;',
    ...names.map((name, i) => `const e${i} = m[${JSON.stringify(name)}]; export { e${i} as ${JSON.stringify(name)} };`),
  ].join('\n');
}

export async function load(url, context, next) {
  const path = asarPath(url);
  if (!path) return next(url, context);
  const format = context.format ?? formatOf(path);
  if (format === 'commonjs') return { format: 'module', source: commonJsFacade(url, path), shortCircuit: true };
  return { format, source: readAsar(path), shortCircuit: true };
}
