// `node --import ./asar-node.mjs …`: lets plain Node run code from INSIDE an asar archive, the way Electron's asar
// layer does, without extracting it: imports through module hooks (asar-hooks.mjs), require() through
// Module._resolveFilename, and fs.readFileSync / fs.existsSync / fs.statSync for paths into the archive. Test
// support for the packed-app test: module resolution inside app.asar (ESM, subpath exports such as lowdb/node,
// CommonJS packages and their own requires) runs on the packed files themselves. It is a stand-in for Electron's
// layer, not Electron's: what it cannot show is listed in e2e/electron.spec.ts.
import { register } from 'node:module';
import { installAsarRequire } from './asar-resolve.mjs';

installAsarRequire();
register('./asar-hooks.mjs', import.meta.url);
