// Command-line arguments of the desktop app. Pure: no electron, so it is unit-tested under plain Node.
import { resolve } from 'node:path';

export { DEFAULT_PORT } from '../core/host.ts';

export interface ShellArgs {
  /** Absolute; undefined means the platform's userData folder. */
  dataDir: string | undefined;
  /** 0 lets the lab pick a free port; undefined means the saved setting, else DEFAULT_PORT. */
  port: number | undefined;
}

function optionValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === name) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value.`);
      i++;
    } else if (arg?.startsWith(`${name}=`)) {
      value = arg.slice(name.length + 1);
    }
  }
  return value;
}

/** Reads `--data DIR` and `--port N` (also `--data=DIR`, `--port=N`); Chromium's own switches are ignored.
 * Throws an Error with a one-line message a person can act on. */
export function parseShellArgs(argv: readonly string[], cwd: string = process.cwd()): ShellArgs {
  const data = optionValue(argv, '--data');
  const portText = optionValue(argv, '--port');
  let port: number | undefined;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 0 && port <= 65535)) {
      throw new Error(`--port must be a number from 0 to 65535 (0 picks a free port), not "${portText}".`);
    }
  }
  if (data === '') throw new Error('--data needs a folder.');
  return { dataDir: data === undefined ? undefined : resolve(cwd, data), port };
}

/** The arguments without `--port`, for a relaunch that should pick up the saved port setting. */
export function withoutPortArg(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--port') i++;
    else if (!arg.startsWith('--port=')) out.push(arg);
  }
  return out;
}

/** What `app.relaunch()` gets after a port change: the same arguments minus `--port`, and inside an AppImage the
 * AppImage file itself. The running binary lives under the AppImage's FUSE mount (/tmp/.mount_…/saml-jit-lab), which
 * disappears when this process exits, so relaunching `process.execPath` starts nothing (electron-builder sets no
 * execPath; the AppImage runtime exports APPIMAGE = the .AppImage file and APPDIR = the mount, see AppImageKit's
 * runtime). APPIMAGE alone is not trusted: a terminal opened from another AppImage (an editor) inherits it, so it is
 * used only when this executable is inside APPDIR. */
export function relaunchOptions(
  argv: readonly string[],
  execPath: string,
  env: Readonly<Record<string, string | undefined>>,
): { args: string[]; execPath?: string } {
  const args = withoutPortArg(argv.slice(1));
  const { APPIMAGE: appImage, APPDIR: appDir } = env;
  const insideMount = appDir !== undefined && appDir !== '' && (execPath === appDir || execPath.startsWith(appDir.endsWith('/') ? appDir : `${appDir}/`));
  return appImage && insideMount ? { args, execPath: appImage } : { args };
}
