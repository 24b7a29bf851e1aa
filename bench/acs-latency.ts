// Latency under concurrency: autocannon posts FRESH signed responses (one per request, never a replay) to
// /saml/acs of a lab running in its own process, 50 connections for 20 s, on 127.0.0.1 only. Afterwards the store
// is opened and every 200 must be a counted login (sum of the accounts' loginCount).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { StoreService } from '../src-main/core/store/store-service.ts';
import { idpMetadataXml } from '../src-main/core/testing/test-idp.ts';
import { SP_ENTITY_ID, benchIdp, fmt, header, row, tempDir } from './support.ts';

export interface AcsLatencyResult {
  requests: number;
  ok: number;
  errors: number;
  non2xx: number;
  p50: number;
  p99: number;
  pacedRate: number;
  pacedP50: number;
  pacedP99: number;
  lost: number;
  rps: number;
}

export async function acsLatency(opts: { seconds?: number; connections?: number; responses?: number } = {}): Promise<AcsLatencyResult> {
  const seconds = opts.seconds ?? 20;
  const connections = opts.connections ?? 50;
  header(`ACS latency under concurrency (${connections} connections, ${seconds} s, fresh signed responses)`);
  const idp = await benchIdp();
  const dataDir = await tempDir('latency');
  const mdFile = join(dataDir, 'idp-metadata.xml');
  await writeFile(mdFile, idpMetadataXml(idp.keys));
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'latency-server.ts'), join(dataDir, 'lab'), mdFile, SP_ENTITY_ID], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/READY (\S+)/);
      if (m) ok(m[1]!);
    });
    child.on('exit', (code) => fail(new Error(`server exited ${code}`)));
  });
  const count = opts.responses ?? 6000;
  const t0 = performance.now();
  const bodies = (await idp.responses(count, { acsUrl: `${url}/saml/acs`, users: 100 })).map((r) => new URLSearchParams({ SAMLResponse: r }).toString());
  console.log(`(signed ${count} responses in ${fmt((performance.now() - t0) / 1000)} s)`);
  let next = 0;
  let ranOut = 0;
  const run = (rate?: number) => autocannon({
    url,
    connections,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        method: 'POST',
        path: '/saml/acs',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (req) => {
          if (next >= bodies.length) ranOut++;
          return { ...req, body: bodies[next++ % bodies.length] };
        },
      },
    ],
  });
  const result = await run();
  // Closed loop, 50 connections always waiting: latency ≈ 50 / throughput (Little's law). Then an open loop at
  // half the measured throughput, the latency a person or an IdP actually sees when the lab is not saturated.
  const rate = Math.max(1, Math.floor(result.requests.average / 2));
  const paced = await run(rate);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  const { store } = await StoreService.open(join(dataDir, 'lab'), () => new Date());
  const counted = store.data.accounts.reduce((n, a) => n + a.loginCount, 0);
  const ok = result['2xx'] + paced['2xx'];
  const lost = Math.max(0, ok - counted);
  const out: AcsLatencyResult = {
    requests: result.requests.total,
    ok,
    errors: result.errors + result.timeouts + paced.errors + paced.timeouts,
    non2xx: result.non2xx + paced.non2xx,
    p50: result.latency.p50,
    p99: result.latency.p99,
    pacedRate: rate,
    pacedP50: paced.latency.p50,
    pacedP99: paced.latency.p99,
    lost,
    rps: result.requests.average,
  };
  if (ranOut > 0) console.log(`(ran out of fresh responses: ${ranOut} replays were sent and rejected; raise --responses)`);
  row('requests', `${out.requests} (${fmt(out.rps)}/s), 200: ${ok}, non-2xx: ${out.non2xx}, socket errors/timeouts: ${out.errors}`);
  row('latency', `p50 ${out.p50} ms, p99 ${out.p99} ms (goal p99 < 100 ms: ${out.p99 < 100 ? 'met' : 'NOT met'})`);
  row(`paced at ${rate} requests/s (half of that)`, `p50 ${paced.latency.p50} ms, p99 ${paced.latency.p99} ms, 200: ${paced['2xx']}, non-2xx: ${paced.non2xx}, errors: ${paced.errors + paced.timeouts} (goal p99 < 100 ms: ${paced.latency.p99 < 100 ? 'met' : 'NOT met'})`);
  row('lost logins', `${lost} (200 answered: ${ok}; logins counted in the store: ${counted}) (goal 0: ${lost === 0 ? 'met' : 'NOT met'})`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await acsLatency({ seconds: Number(process.argv[2] ?? 20), responses: Number(process.argv[3] ?? 4000) });
