// Generates every app icon from ONE source, resources/icons/icon.svg: PNGs for Linux and the window icon
// (resources/icons/png/NxN.png), icon.ico for Windows and icon.icns for macOS. The generated files are committed, so
// packaging needs none of this; run `node scripts/icons.mjs` after editing the SVG.
// Needs rsvg-convert (Debian/Ubuntu: `apt-get install librsvg2-bin`; macOS: `brew install librsvg`). ICO and ICNS are
// written here in plain JS: both are containers of PNG images.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const iconsDir = join(root, 'resources', 'icons');
const source = join(iconsDir, 'icon.svg');
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS types holding PNG data, by pixel size (the @2x types reuse the larger images).
const ICNS_TYPES = [
  ['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024],
  ['ic11', 32], ['ic12', 64], ['ic13', 256], ['ic14', 512],
];

function render(size) {
  const run = spawnSync('rsvg-convert', ['--width', String(size), '--height', String(size), source], { maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error(`rsvg-convert is needed (apt-get install librsvg2-bin): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`rsvg-convert failed: ${run.stderr.toString()}`);
  return run.stdout;
}

export function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4); // planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

export function icns(entries) {
  const chunks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  readFileSync(source); // fail early with a clear ENOENT
  const pngs = new Map(PNG_SIZES.map((size) => [size, render(size)]));
  mkdirSync(join(iconsDir, 'png'), { recursive: true });
  for (const [size, png] of pngs) writeFileSync(join(iconsDir, 'png', `${size}x${size}.png`), png);
  writeFileSync(join(iconsDir, 'icon.ico'), ico(ICO_SIZES.map((size) => ({ size, png: pngs.get(size) }))));
  writeFileSync(join(iconsDir, 'icon.icns'), icns(ICNS_TYPES.map(([type, size]) => ({ type, png: pngs.get(size) }))));
  console.log(`Wrote ${pngs.size} PNGs, icon.ico and icon.icns under ${iconsDir}.`);
}
