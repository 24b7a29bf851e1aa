// One fixture for every browser-mode spec: a temp data dir and `saml-jit-lab serve --port 0` on a free port,
// stopped (and the dir removed) after the test. Page objects come from here too.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect } from '@playwright/test';
import { AppPage } from './pages/app-page.ts';
import { DemoIdpPage } from './pages/demo-idp-page.ts';
import { WalkthroughPage } from './pages/walkthrough-page.ts';
import { LoginsPage } from './pages/logins-page.ts';
import { ComparePage } from './pages/compare-page.ts';
import { writeSeededStore } from './support/seed.ts';
import type { StoredLogin } from '../src-main/core/store/schema.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export interface LabServer {
  url: string;
  dataDir: string;
  /** Everything the server printed so far (stdout + stderr), for failure messages. */
  output(): string;
}

function waitForUrl(child: ChildProcess, log: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      reject(new Error(`serve printed no URL within ${START_TIMEOUT_MS} ms. Output:\n${log.join('')}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(buffered);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (code ${code}, signal ${signal}) before printing its URL. Output:\n${log.join('')}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS)),
  ]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`serve did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM (killed).`);
  }
}

export interface LabOptions {
  /** Logins written into store.json before the server starts (see support/seed.ts); null for an empty lab.
   * (An object, not a bare array: Playwright reads an array option as a [value, options] fixture tuple.) */
  seed: { logins: StoredLogin[] } | null;
}

export const test = base.extend<LabOptions & { lab: LabServer; app: AppPage; demoIdp: DemoIdpPage; walkthrough: WalkthroughPage; logins: LoginsPage; compare: ComparePage }>({
  seed: [null, { option: true }],
  lab: async ({ seed }, use, testInfo) => {
    if (!existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) {
      throw new Error('out/renderer/index.html is missing: run `npx electron-vite build` before the e2e tests.');
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'saml-jit-lab-e2e-'));
    if (seed !== null) writeSeededStore(dataDir, seed.logins);
    const log: string[] = [];
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'saml-jit-lab.mjs'), 'serve', '--port', '0', '--data', dataDir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    child.stdout.on('data', (c: Buffer) => log.push(c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => log.push(c.toString('utf8')));
    try {
      const url = await waitForUrl(child, log);
      await use({ url, dataDir, output: () => log.join('') });
    } finally {
      await stop(child);
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('serve-output.txt', { body: log.join(''), contentType: 'text/plain' });
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
  baseURL: async ({ lab }, use) => {
    await use(lab.url);
  },
  app: async ({ page }, use) => {
    await use(new AppPage(page));
  },
  demoIdp: async ({ page }, use) => {
    await use(new DemoIdpPage(page));
  },
  walkthrough: async ({ page }, use) => {
    await use(new WalkthroughPage(page));
  },
  logins: async ({ page }, use) => {
    await use(new LoginsPage(page));
  },
  compare: async ({ page }, use) => {
    await use(new ComparePage(page));
  },
});

export { expect };
