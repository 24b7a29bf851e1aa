import { describe, expect, it } from 'vitest';
import { parseShellArgs, withoutPortArg } from './shell-args.ts';

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
