// Shared bench helpers: an IdP that signs fresh responses with the current clock, figures and ratios printed the
// same way by every bench, and the machine they ran on.
import { cpus, totalmem } from 'node:os';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSignedResponse } from '../src-main/core/demo-idp/response-builder.ts';
import type { KeyPair } from '../src-main/core/sp/keys.ts';
import { ALICE, IDP_ENTITY_ID, SP_ENTITY_ID, makeKeyPair } from '../src-main/core/testing/test-idp.ts';

export { IDP_ENTITY_ID, SP_ENTITY_ID, makeKeyPair };

export interface BenchIdp {
  keys: KeyPair;
  /** Signs `count` distinct responses (Response and Assertion signed, RSA-SHA256, like SimpleSAMLphp), valid for an hour. */
  responses(count: number, opts: { acsUrl: string; users?: number; spEntityId?: string }): Promise<string[]>;
}

export async function benchIdp(): Promise<BenchIdp> {
  const keys = await makeKeyPair('Bench IdP');
  return {
    keys,
    async responses(count, { acsUrl, users = count, spEntityId = SP_ENTITY_ID }) {
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const n = i % users;
        const xml = await buildSignedResponse({
          idpEntityId: IDP_ENTITY_ID,
          idpKeys: keys,
          spEntityId,
          acsUrl,
          nameId: `user${n}@example.com`,
          nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
          attributes: { ...ALICE.attributes, email: [`user${n}@example.com`], displayName: [`User ${n}`] },
          now: new Date(),
          lifetimeSeconds: 3600,
        });
        out.push(Buffer.from(xml, 'utf8').toString('base64'));
      }
      return out;
    },
  };
}

export function tempDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `jitlab-bench-${name}-`));
}

/** Runs `fn` once per item, `concurrency` at a time; returns ops/s over the whole run. */
export async function opsPerSecond<T>(items: T[], fn: (item: T) => Promise<unknown>, concurrency = 1): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
  return items.length / ((performance.now() - start) / 1000);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

export function header(title: string): void {
  console.log(`\n## ${title}\n`);
}

/** One result line: what, the figure, and (when given) the ratio to the baseline measured in the same run. */
export function row(label: string, figure: string, ratio?: { value: number; against: string; goal?: string; met?: boolean }): void {
  const r = ratio ? ` | ${fmt(ratio.value, 2)}× ${ratio.against}${ratio.goal ? ` (goal ${ratio.goal}: ${ratio.met ? 'met' : 'NOT met'})` : ''}` : '';
  console.log(`- ${label}: ${figure}${r}`);
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Node ${process.version}, ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, ${process.platform}`;
}
