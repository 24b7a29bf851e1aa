// The real lab for core tests: started on a temp data folder (or a given one, for restarts) with port 0, closed and
// its folder removed after each test; `call` is a contract call that throws the lab's error with its code.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';

export const RESOURCES = resolve(import.meta.dirname, '../../../resources');
/** The frozen clock most core tests run at. */
export const TEST_NOW = new Date('2030-06-01T12:00:00.000Z');

export interface LabOptions {
  /** The lab's clock; default: the real one. */
  clock?: () => Date;
  /** The ACS result page links to the app at `${url}/` (what browser mode does). */
  appUrl?: boolean;
}

/** Returns a start function for the calling test file; every lab it starts is closed after the test that started it
 * (and its folder removed; pass the same folder again to restart on it). */
export function labsClosedAfterEach(options: LabOptions = {}): (dataDir?: string) => Promise<Lab> {
  const open: { lab: Lab; dir: string }[] = [];
  afterEach(async () => {
    for (const { lab, dir } of open.splice(0)) {
      await lab.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  return async (dataDir) => {
    const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'jitlab-')));
    const lab = await createLab({
      mode: 'browser',
      dataDir: dir,
      resourcesDir: RESOURCES,
      port: 0,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.appUrl ? { appUrl: (u: string) => `${u}/` } : {}),
    });
    // A test may close a lab itself to start another on the same folder (a restart): close only once.
    const close = lab.close.bind(lab);
    let closing: Promise<void> | null = null;
    lab.close = () => (closing ??= close());
    open.push({ lab, dir });
    return lab;
  };
}

/** A contract call that resolves with the value, or throws `method: message` with the error's `code`. */
export async function call<T>(lab: Lab, method: string, input: unknown = {}): Promise<T> {
  const result = await lab.handle(method, input);
  if (!result.ok) throw Object.assign(new Error(`${method}: ${result.error.message}`), { code: result.error.code });
  return result.value as T;
}
