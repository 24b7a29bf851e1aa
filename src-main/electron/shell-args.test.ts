import { describe, expect, it } from 'vitest';
import { parseShellArgs, relaunchOptions, withoutPortArg } from './shell-args.ts';

describe('parseShellArgs', () => {
  it('defaults to the userData folder and no port (the saved setting, else 7820)', () => {
    expect(parseShellArgs(['/usr/bin/electron', '.'], '/home/a')).toEqual({ dataDir: undefined, port: undefined });
  });

  it('reads --data and --port, resolving the folder against the working directory', () => {
    expect(parseShellArgs(['electron', '.', '--data', 'lab', '--port', '0'], '/home/a')).toEqual({
      dataDir: '/home/a/lab',
      port: 0,
    });
    expect(parseShellArgs(['app', '--data=/tmp/x', '--port=7821'], '/home/a')).toEqual({ dataDir: '/tmp/x', port: 7821 });
  });

  it("ignores Chromium's own switches", () => {
    const argv = ['electron', '--inspect=0', '--remote-debugging-port=0', '.', '--port', '9000'];
    expect(parseShellArgs(argv, '/')).toEqual({ dataDir: undefined, port: 9000 });
  });

  it('rejects a bad port or a missing value with a one-line message', () => {
    expect(() => parseShellArgs(['app', '--port', 'abc'])).toThrow(/--port must be a number from 0 to 65535/);
    expect(() => parseShellArgs(['app', '--port', '70000'])).toThrow(/--port must be/);
    expect(() => parseShellArgs(['app', '--data'])).toThrow(/--data needs a value/);
    expect(() => parseShellArgs(['app', '--data', '--port', '1'])).toThrow(/--data needs a value/);
  });
});

describe('withoutPortArg', () => {
  it('drops --port N and --port=N, keeps everything else (a relaunch then uses the saved port)', () => {
    expect(withoutPortArg(['.', '--port', '7821', '--data', 'x', '--port=1'])).toEqual(['.', '--data', 'x']);
  });
});

describe('relaunchOptions (File › Listener Port… restarts the app)', () => {
  const mount = '/tmp/.mount_saml-jAbC12';
  const argv = [`${mount}/saml-jit-lab`, '--data', '/home/ana/lab', '--port', '7821'];

  it('inside an AppImage, relaunches the .AppImage file, not the binary in its vanishing mount', () => {
    expect(relaunchOptions(argv, `${mount}/saml-jit-lab`, { APPIMAGE: '/home/ana/Apps/saml-jit-lab-0.1.0-linux-x86_64.AppImage', APPDIR: mount })).toEqual({
      args: ['--data', '/home/ana/lab'],
      execPath: '/home/ana/Apps/saml-jit-lab-0.1.0-linux-x86_64.AppImage',
    });
  });

  it('elsewhere, the same executable (Electron\'s default) with the same arguments minus --port', () => {
    expect(relaunchOptions(['/opt/SAML JIT Lab/saml-jit-lab', '--port=9000'], '/opt/SAML JIT Lab/saml-jit-lab', {})).toEqual({ args: [] });
    expect(relaunchOptions(['C:\\Apps\\saml-jit-lab.exe', '--data', 'D:\\lab'], 'C:\\Apps\\saml-jit-lab.exe', {})).toEqual({ args: ['--data', 'D:\\lab'] });
  });

  it('ignores an APPIMAGE inherited from another AppImage (e.g. an editor\'s terminal running npm start)', () => {
    const env = { APPIMAGE: '/home/ana/Apps/Editor.AppImage', APPDIR: '/tmp/.mount_EditorXyz' };
    expect(relaunchOptions(['/repo/node_modules/electron/dist/electron', '.'], '/repo/node_modules/electron/dist/electron', env)).toEqual({ args: ['.'] });
    expect(relaunchOptions(argv, `${mount}/saml-jit-lab`, { APPIMAGE: '/x.AppImage' })).toEqual({ args: ['--data', '/home/ana/lab'] });
    // A sibling directory whose name merely starts with APPDIR is not inside it.
    expect(relaunchOptions(argv, `${mount}2/saml-jit-lab`, { APPIMAGE: '/x.AppImage', APPDIR: mount })).toEqual({ args: ['--data', '/home/ana/lab'] });
  });
});
