// The `saml-jit-lab` command.
import { LabError } from '../core/errors.ts';
import { UsageError } from './args.ts';
import { METADATA_USAGE, metadataCommand } from './metadata-command.ts';
import { REPLAY_USAGE, replayCommand } from './replay-command.ts';
import { SERVE_USAGE, serve, type Io } from './serve.ts';
import { VERIFY_USAGE, verifyCommand } from './verify-command.ts';

const USAGE = `Usage:
  ${SERVE_USAGE}
  ${VERIFY_USAGE}
  ${METADATA_USAGE}
  ${REPLAY_USAGE}`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest, io);
      case 'verify':
        return await verifyCommand(rest, io);
      case 'metadata':
        return await metadataCommand(rest, io);
      case 'replay':
        return await replayCommand(rest, io);
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
