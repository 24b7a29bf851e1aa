// Warm start: the time from `npm start` (scripts/start.mjs) until the browser mode answers its URL, with out/
// already built and a data folder that exists (keys and store made by an earlier run). Baselines in the same run:
// plain `node -e 0`, and `saml-jit-lab serve` started directly (what npm start ends up running, without its checks).
// Where a real Electron binary is installed, npm start opens the desktop app instead: that figure is skipped with
// the reason printed. Usage: node bench/startup.mjs [--runs N]   (default 3 runs each; the median is printed)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from '../scripts/electron-binary.mjs';
import { buildFreshness } from '../scripts/start-support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 3) : 3;
const READY_TIMEOUT_MS = 120_000;

/** Spawns `args`, waits for the first http://127.0.0.1:PORT it prints, then for that URL to answer; ms and output. */
async function untilAnswered(args) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within ${READY_TIMEOUT_MS / 1000} s:\n${out}`)), READY_TIMEOUT_MS);
      const onData = (chunk) => {
        out += chunk.toString();
        const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[0]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (args[0] === '-e' && code === 0) resolve(null);
        else reject(new Error(`exited with ${code}:\n${out}`));
      });
    });
    if (url) await (await fetch(url)).arrayBuffer();
    return { ms: performance.now() - started, out };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms) => `${Math.round(ms)} ms`;

function buildIfStale() {
  if (buildFreshness(root).fresh) return;
  const built = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, stdio: 'ignore' });
  if (built.status !== 0) throw new Error('electron-vite build failed');
}

/** `warm`: each run starts from a fresh out/ (built untimed if a source changed); a run during which a source changed
 * again (npm start then rebuilt) is repeated, up to 3 times. */
async function measure(label, args, { warm = false } = {}) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    for (let attempt = 1; ; attempt++) {
      if (warm) buildIfStale();
      const { ms, out } = await untilAnswered(args);
      if (!warm || out.includes('Skipping the build')) {
        times.push(ms);
        break;
      }
      if (attempt === 3) return { label, skipped: 'sources kept changing during the runs (npm start rebuilt each time): run again on a quiet checkout' };
    }
  }
  return { label, ms: median(times), times };
}

const data = mkdtempSync(join(tmpdir(), 'bench-startup-'));
try {
  buildIfStale();
  // One untimed serve run creates the data folder's keys and store: every timed run is a warm start.
  await untilAnswered([join(root, 'bin', 'saml-jit-lab.mjs'), 'serve', '--port', '0', '--data', data]);

  const node = await measure('plain `node -e 0`', ['-e', '0']);
  const serve = await measure('`saml-jit-lab serve` (direct)', [join(root, 'bin', 'saml-jit-lab.mjs'), 'serve', '--port', '0', '--data', data]);
  const electron = findElectronBinary();
  const start = electron.found
    ? { label: '`npm start`, warm', skipped: `a real Electron is installed here (${electron.path}): npm start opens the desktop app, not the browser mode` }
    : await measure('`npm start`, warm (browser mode)', [join(root, 'scripts', 'start.mjs'), '--port', '0', '--data', data], { warm: true });

  console.log(`\nStartup until the URL answers (median of ${RUNS}, this machine, same run):`);
  for (const row of [node, serve, start]) {
    if (row.skipped) console.log(`  ${row.label.padEnd(36)} skipped: ${row.skipped}`);
    else console.log(`  ${row.label.padEnd(36)} ${fmt(row.ms).padStart(8)}   ${(row.ms / node.ms).toFixed(1)}x node -e 0   runs: ${row.times.map(fmt).join(', ')}`);
  }
  if (!start.skipped) {
    console.log(`\nWarm start figure: ${(start.ms / 1000).toFixed(2)} s from \`npm start\` to an answering http://127.0.0.1 URL ` + `(${(start.ms / serve.ms).toFixed(2)}x serve started directly; goal ~2 s).`);
  }
} finally {
  rmSync(data, { recursive: true, force: true });
}
