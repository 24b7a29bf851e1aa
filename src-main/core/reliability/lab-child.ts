// A lab in a child process, for the crash tests: `node --import tsx lab-child.ts DATA_DIR` starts the real core
// (store, listener, demo IdP) on a free port and prints "READY <url>". The test kills it with SIGKILL.
import { resolve } from 'node:path';
import { createLab } from '../lab.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: lab-child.ts DATA_DIR');
const lab = await createLab({ mode: 'browser', dataDir, resourcesDir: resolve(import.meta.dirname, '../../../resources'), port: 0 });
process.stdout.write(`READY ${lab.url}\n`);
