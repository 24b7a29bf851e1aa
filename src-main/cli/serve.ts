// `saml-jit-lab serve`: the browser mode. Core + SP listener + demo IdP + renderer + contract over HTTP, all on
// 127.0.0.1:PORT.
import { stopWarmTargets } from '../core/targets/js-runner.ts';
import { sharedVerifyPool } from '../core/verify-pool/pool.ts';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LabError } from '../core/errors.ts';
import type { Logger } from '../core/host.ts';
import { DEFAULT_PORT, createLab } from '../core/lab.ts';
import { createWebHost } from '../web/web-host.ts';
// Pure Node (no electron): the desktop shell offers the next free port the same way.
import { nextFreePort } from '../electron/free-port.ts';
import { UsageError, parseFlags, portFlag } from './args.ts';
import { PACKAGE_ROOT, RENDERER_DIR, RESOURCES_DIR, defaultDataDir } from './paths.ts';
import { SERVE_USAGE } from './usage.ts';

export { SERVE_USAGE } from './usage.ts';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Reads all of standard input (for `--response -`). */
  stdin?: () => Promise<string>;
}

/** The port is taken: one line naming it and the next free one, as the command to run (the desktop app asks the
 * same in a dialog). A port this user may not bind keeps its own message. */
async function portInUseLine(error: LabError, port: number): Promise<string> {
  if (!/already in use/.test(error.message)) return error.message;
  let next: number;
  try {
    next = await nextFreePort(port);
  } catch {
    return error.message;
  }
  return `Port ${port} on 127.0.0.1 is already in use (is SAML JIT Lab already running?). The next free port is ${next}: saml-jit-lab serve --port ${next}`;
}

export async function serve(argv: string[], io: Io): Promise<number> {
  const { flags } = parseFlags(argv, { port: 'string', data: 'string', 'idp-metadata': 'string', 'sp-entity-id': 'string', help: 'boolean' });
  if (flags.help) {
    io.out(`Usage: ${SERVE_USAGE}`);
    return 0;
  }
  const port = portFlag(flags.port, DEFAULT_PORT);
  const dataDir = resolve(typeof flags.data === 'string' ? flags.data : defaultDataDir(io.env, process.platform));
  let idpMetadataXml: string | undefined;
  if (typeof flags['idp-metadata'] === 'string') {
    try {
      idpMetadataXml = await readFile(flags['idp-metadata'], 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot read --idp-metadata ${flags['idp-metadata']}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    io.out('The renderer is not built yet: building it once (electron-vite build)…');
    const bin = join(PACKAGE_ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
    const built = spawnSync(bin, ['build'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status !== 0) {
      io.err('Building the renderer failed; run `npx electron-vite build` to see why.');
      return 1;
    }
  }
  const logger: Logger = { info: (m) => io.out(m), warn: (m) => io.err(`warning: ${m}`), error: (m) => io.err(`error: ${m}`) };
  const web = createWebHost(RENDERER_DIR);
  const version = (JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  let lab;
  try {
    lab = await createLab({
      mode: 'browser',
      dataDir,
      resourcesDir: RESOURCES_DIR,
      port,
      version,
      logger: { ...logger, info: () => {} },
      appUrl: (listenerUrl) => `${listenerUrl}/`,
      extraRoutes: web.routes,
      idpMetadataXml,
      spEntityId: typeof flags['sp-entity-id'] === 'string' ? flags['sp-entity-id'] : undefined,
    });
  } catch (error) {
    // The lab may have started its verification workers before the listener failed: stop them, or Node stays up.
    await stopWorkers();
    if (error instanceof LabError) {
      io.err(error.code === 'port-in-use' ? await portInUseLine(error, port) : error.message);
      return error.code === 'port-in-use' ? 1 : 2;
    }
    throw error;
  }
  web.attach(lab);
  io.out(`SAML JIT Lab (browser mode) — data in ${dataDir}`);
  io.out(lab.url);
  await new Promise<void>((resolveStop) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await lab.close();
  await stopWorkers();
  io.out('Stopped.');
  return 0;
}

/** The process ends after serve: stop the verification workers and the SP libraries' warm workers (an idle worker's
 * port or stdio can keep Node running). */
async function stopWorkers(): Promise<void> {
  await Promise.all([sharedVerifyPool().close(), stopWarmTargets()]);
}
