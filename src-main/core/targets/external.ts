// The SP libraries of other languages, each driven by a small script in resources/runners/ that reads every case
// as one JSON batch on stdin and prints one JSON answer (types.ts). One process per library and batch, killed after
// a time limit; a missing interpreter, a missing library, a crash or garbage output makes the library
// `unavailable` with the reason, never an exception.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TargetName } from '../../contract/targets.ts';
import type { WireAnswer, WireCase } from './types.ts';

export const EXTERNAL_TARGETS = ['ruby-saml', 'python3-saml', 'simplesamlphp'] as const satisfies readonly TargetName[];
export type ExternalTarget = (typeof EXTERNAL_TARGETS)[number];

/** Interpreter and script of each runner. python3-saml is Debian's package: its python, not a pyenv shim. */
export const RUNNERS: Record<ExternalTarget, { interpreter: string; script: string; installHint: string }> = {
  'ruby-saml': { interpreter: 'ruby', script: 'ruby-saml.rb', installHint: 'apt-get install ruby ruby-saml' },
  'python3-saml': { interpreter: '/usr/bin/python3', script: 'python3-saml.py', installHint: 'apt-get install python3-onelogin-saml2' },
  simplesamlphp: { interpreter: 'php', script: 'simplesamlphp.php', installHint: 'apt-get install php-cli php-xml simplesamlphp' },
};

export interface ExternalOptions {
  runnersDir: string;
  timeoutMs: number;
  /** Replaces an interpreter (tests: a missing one). */
  interpreters?: Partial<Record<ExternalTarget, string>>;
}

const MAX_OUTPUT = 16 * 1024 * 1024;

export function runExternal(name: ExternalTarget, cases: WireCase[], options: ExternalOptions): Promise<WireAnswer> {
  const runner = RUNNERS[name];
  const interpreter = options.interpreters?.[name] ?? runner.interpreter;
  return new Promise((resolvePromise) => {
    let settled = false;
    const done = (answer: WireAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(answer);
    };
    const child = spawn(interpreter, [join(options.runnersDir, runner.script)], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ unavailable: `${name}: no answer within ${Math.round(options.timeoutMs / 1000)} s (killed)` });
    }, options.timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      done({ unavailable: error.code === 'ENOENT' ? `${interpreter} is not installed (${runner.installHint})` : `${interpreter} could not start: ${error.message}` });
    });
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) {
        child.kill('SIGKILL');
        done({ unavailable: `${name}: the runner printed more than ${MAX_OUTPUT} bytes` });
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 64) err.push(chunk);
    });
    child.on('close', (code) => {
      const text = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' | ');
      let answer: WireAnswer;
      try {
        answer = JSON.parse(text) as WireAnswer;
      } catch {
        done({ unavailable: `${name}: the runner exited (${code ?? 'signal'}) without a JSON answer${stderr ? `: ${stderr.slice(0, 400)}` : ''}` });
        return;
      }
      done(answer);
    });
    // A runner that dies before reading its input must not crash the app with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify({ cases }));
  });
}
