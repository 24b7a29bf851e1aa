// Runs the CLI in-process the way a shell would see it: the exit code and the printed lines of stdout and stderr.
import { main } from './main.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `saml-jit-lab ...args` with an empty environment; `stdin` is what a pipe would give (`-` arguments). */
export async function runCli(args: string[], stdin?: string): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, stdin: stdin === undefined ? undefined : async () => stdin });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
