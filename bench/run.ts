// `npm run bench`: every bench in one run, each printing its figures and its ratio against a baseline measured in
// the same run. Copy the output into BENCHMARKS.md.
import { acsHttp } from './acs-http.ts';
import { acsLatency } from './acs-latency.ts';
import { aggregateImport } from './aggregate-import.ts';
import { cliStartup } from './cli-startup.ts';
import { acsThroughput } from './acs-throughput.ts';
import { machine } from './support.ts';
import { startup } from './startup.ts';
import { storeGrowth } from './store-growth.ts';

console.log(`# SAML JIT Lab benchmarks — ${new Date().toISOString()}\n\n${machine()}`);
const started = performance.now();
await acsThroughput({ responses: 300 });
await storeGrowth();
await acsLatency({ seconds: 20 });
await acsHttp();
await cliStartup();
await startup();
await aggregateImport();
console.log(`\n(total ${Math.round((performance.now() - started) / 1000)} s)`);
