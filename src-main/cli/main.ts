// The `saml-jit-lab` command. Each command is imported only when it runs (and the usage lines come from a module
// that imports nothing), so `--help` and `metadata` do not pay for loading the verifier, the store and zod.
// Adding a command: its usage line in usage.ts, a lazy import below.
import { LabError } from '../core/errors.ts';
import { UsageError } from './args.ts';
import type { Io } from './serve.ts';
import { METADATA_USAGE, REPLAY_USAGE, SERVE_USAGE, TEST_SP_USAGE, VERIFY_USAGE, WHATIF_USAGE } from './usage.ts';

const USAGE = `Usage:
  ${SERVE_USAGE}
  ${VERIFY_USAGE}
  ${METADATA_USAGE}
  ${REPLAY_USAGE}
  ${TEST_SP_USAGE}
  ${WHATIF_USAGE}`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await (await import('./serve.ts')).serve(rest, io);
      case 'verify':
        return await (await import('./verify-command.ts')).verifyCommand(rest, io);
      case 'metadata':
        return await (await import('./metadata-command.ts')).metadataCommand(rest, io);
      case 'replay':
        return await (await import('./replay-command.ts')).replayCommand(rest, io);
      case 'test-sp':
        return await (await import('./test-sp-command.ts')).testSpCommand(rest, io);
      case 'whatif':
        return await (await import('./whatif-command.ts')).whatifCommand(rest, io);
      case undefined:
      case '--help':
      case 'help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.err(`Unknown command "${command}".\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof LabError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}
