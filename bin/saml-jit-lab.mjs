#!/usr/bin/env node
// The `saml-jit-lab` command: runs the compiled CLI in out/cli (built by `npm run build`, shipped in the package).
// In a checkout that has not been built yet it runs the TypeScript sources through tsx (a devDependency) instead,
// and says so in one line.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../out/cli/main.js', import.meta.url));
let main;
if (existsSync(compiled)) {
  ({ main } = await import(new URL('../out/cli/main.js', import.meta.url).href));
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('saml-jit-lab: out/cli/main.js is missing and tsx is not installed: run `npm run build` first.\n');
    process.exit(2);
  }
  process.stderr.write('saml-jit-lab: not built yet (no out/cli/main.js), running the TypeScript sources through tsx; `npm run build` makes it start faster.\n');
  register();
  ({ main } = await import('../src-main/cli/main.ts'));
}
// `saml-jit-lab metadata X | head` closes the pipe early: stop quietly instead of throwing EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const code = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  stdin: async () => {
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  },
});
process.exitCode = code;
