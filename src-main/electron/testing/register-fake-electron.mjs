// `node --import ./register-fake-electron.mjs …`: every `import … from 'electron'` gets the fake.
import { register } from 'node:module';

register('./fake-electron-hooks.mjs', import.meta.url);
