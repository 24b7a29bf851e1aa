// `saml-jit-lab verify`: the same verification engine, headless, for scripts and CI.
// Exit 0 accepted, 1 rejected, 2 usage or unreadable input.
import { verifyPolicyOf } from '../core/verify-policy.ts';
import { readFile } from 'node:fs/promises';
import { readBundle } from '../core/export/bundle.ts';
import { parseCurrentMetadata } from '../core/export/replay.ts';
import { parseIdpMetadata } from '../core/idp/metadata.ts';
import type { TargetsResult } from '../contract/targets.ts';
import type { TrustedIdp } from '../core/saml/context.ts';
import { verifyResponse, type VerifyResult } from '../core/saml/verify.ts';
import { certBase64, summarizeCert } from '../core/util/cert.ts';
import { NS, firstChild, parseXml, textOf } from '../core/util/xml.ts';
import { UsageError, parseFlags } from './args.ts';
import type { Io } from './serve.ts';
import { VERIFY_USAGE } from './usage.ts';

export { VERIFY_USAGE } from './usage.ts';

export async function verifyCommand(argv: string[], io: Io): Promise<number> {
  const { flags } = parseFlags(argv, {
    'idp-metadata': 'string',
    'idp-cert': 'string',
    'sp-entity-id': 'string',
    'acs-url': 'string',
    response: 'string',
    'in-response-to': 'string',
    'sp-key': 'string',
    now: 'string',
    skew: 'string',
    json: 'boolean',
    config: 'string',
    targets: 'string',
    help: 'boolean',
  });
  if (flags.help) {
    io.out(`Usage: ${VERIFY_USAGE}`);
    io.out(VERIFY_HELP);
    return 0;
  }
  const str = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  // --targets: real SP libraries judge the same response too (verify-targets.ts); loaded only when asked for.
  const targetsModule = str('targets') === undefined ? null : await import('./verify-targets.ts');
  const targetNames = targetsModule ? targetsModule.parseTargetsFlag(str('targets')!) : null;
  const metadataFile = str('idp-metadata');
  const certFile = str('idp-cert');
  // --config: IdP metadata, SP settings and policy come from a tested-config bundle (--idp-metadata: newer metadata).
  const configFile = str('config');
  const config = configFile ? readBundle(await readInput(configFile, '--config')).bundle : null;
  if (config && (certFile || str('sp-entity-id') || str('acs-url'))) throw new UsageError(`With --config the IdP and the SP come from the bundle: drop --idp-cert, --sp-entity-id and --acs-url.\nUsage: ${VERIFY_USAGE}`);
  if (!config && !metadataFile === !certFile) throw new UsageError(`Give exactly one of --idp-metadata or --idp-cert.\nUsage: ${VERIFY_USAGE}`);
  const spEntityId = config?.sp.entityId ?? str('sp-entity-id');
  const acsUrl = config?.sp.acsUrl ?? str('acs-url');
  const responseArg = str('response');
  if (!spEntityId || !acsUrl || !responseArg) throw new UsageError(`--sp-entity-id, --acs-url and --response are required.\nUsage: ${VERIFY_USAGE}`);
  const nowArg = str('now');
  const now = nowArg === undefined ? new Date() : new Date(nowArg);
  if (Number.isNaN(now.getTime()) || (nowArg !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(nowArg))) throw new UsageError(`--now must be an ISO-8601 instant such as 2024-05-01T12:00:00Z (got "${nowArg}").`);
  const skewArg = str('skew');
  const skew = skewArg === undefined ? (config?.policy.clockSkewSeconds ?? 180) : Number(skewArg);
  if (!Number.isInteger(skew) || skew < 0) throw new UsageError(`--skew must be a whole number of seconds (got "${skewArg}").`);

  const response = responseArg === '-' ? await readStdin(io) : await readInput(responseArg, '--response');
  const isXml = response.replace(/^\uFEFF/, '').trimStart().startsWith('<');
  const spKey = str('sp-key') ? await readInput(str('sp-key')!, '--sp-key') : (config?.sp.privateKey?.privateKeyPem ?? null);
  if (spKey !== null && !spKey.includes('PRIVATE KEY')) throw new UsageError('--sp-key must be a PEM private key.');

  let idp: TrustedIdp;
  if (metadataFile || config) {
    const xml = metadataFile ? await readInput(metadataFile, '--idp-metadata') : config!.idp.metadataXml;
    const md = config ? parseCurrentMetadata(xml, config.idp.entityId) : parseIdpMetadata(xml);
    idp = { id: 'cli', name: md.displayName ?? md.entityId, entityId: md.entityId, certificates: md.certificates };
  } else {
    const pem = await readInput(certFile!, '--idp-cert');
    const summary = summarizeCert(pem);
    if (!summary) throw new UsageError(`--idp-cert ${certFile} is not a PEM or base64 X.509 certificate.`);
    // With a bare certificate, the IdP is whoever the response names; the signature must still verify with it.
    idp = { id: 'cli', name: summary.subject, entityId: issuerOf(response, isXml) ?? '(unknown)', certificates: [{ base64: certBase64(pem), use: 'signing', ...summary }] };
  }

  const inResponseTo = str('in-response-to');
  const result = verifyResponse({
    samlResponse: response.trim(),
    isXml,
    now,
    sp: { entityId: spEntityId, acsUrl },
    idps: [idp],
    // The bundle's policy when given (its SP profile included), else the lab's defaults; --skew wins either way.
    policy: verifyPolicyOf(
      config ? { ...config.policy, clockSkewSeconds: skew, nameIdFormat: config.sp.nameIdFormat } : { clockSkewSeconds: skew, allowUnsolicited: true },
      { maxResponseBytes: 10 * 1024 * 1024 },
    ),
    // Without --in-response-to there is no record of the request: the engine says InResponseTo was not checked.
    outstanding: {
      find: (id) => (id === inResponseTo ? { idpEntityId: idp.entityId, expiresAt: new Date(now.getTime() + 3600_000) } : null),
      unknown: inResponseTo === undefined,
    },
    replay: { seen: () => false },
    spPrivateKeyPem: spKey,
  });
  const targets = targetsModule && targetNames ? await targetsModule.runTargets({ names: targetNames, response, isXml, idp, sp: { entityId: spEntityId, acsUrl }, now, inResponseTo: inResponseTo ?? null, spKey }, result) : null;
  print(result, flags.json === true, io, targets);
  if (targets && flags.json !== true) targetsModule!.printTargets(targets, io);
  // A captured response checked later fails the time checks: say how to check it at its own time.
  const timeChecks = ['conditions.time-window', 'subject-confirmation.expiry', 'assertion.issue-instant'];
  if (flags.json !== true && str('now') === undefined && result.checks.some((c) => c.status === 'fail' && timeChecks.includes(c.id))) {
    const issued = /IssueInstant="([^"]+)"/.exec(result.xml ?? '')?.[1];
    io.out(`hint: to check a captured response as of when it was issued, add --now ${issued ?? '<its IssueInstant>'}`);
  }
  return result.verdict === 'accepted' ? 0 : 1;
}

const VERIFY_HELP = `
Verifies one SAML Response with the same checks as the app's ACS and prints each failing or warning check with what
was expected, what was received and how to fix it.

  --idp-metadata FILE   the IdP's metadata (its signing certificates and entity ID), or
  --idp-cert PEM        just the IdP's signing certificate (the response's Issuer is taken as the IdP)
  --config BUNDLE       a tested-config bundle exported by the app (IdP, SP and policy come from it)
  --sp-entity-id ID     your SP's entity ID (the expected Audience)
  --acs-url URL         your ACS URL (the expected Destination and Recipient)
  --response FILE|-     the response: base64 as posted in SAMLResponse, or raw XML; - reads standard input
  --in-response-to ID   the ID of the AuthnRequest you sent (else InResponseTo is not checked, and a warning says so)
  --sp-key PEM          your SP private key, to decrypt an EncryptedAssertion
  --now ISO-8601        check the time conditions as of this instant (for captured responses)
  --skew SECONDS        allowed clock difference (default 180)
  --targets LIST        also ask real SP libraries (node-saml,samlify,ruby-saml,python3-saml,simplesamlphp or all),
                        each with its documented defaults, and say where one would decide otherwise than the lab
  --json                print {verdict, checks, nameId, attributes} as JSON (with --targets: also targets, disagreements)

Exit status: 0 accepted, 1 rejected, 2 usage error or unreadable input.`;

function print(result: VerifyResult, json: boolean, io: Io, targets: TargetsResult | null = null): void {
  if (json) {
    io.out(JSON.stringify({ verdict: result.verdict, checks: result.checks, nameId: result.nameId, attributes: result.attributes, ...(targets && { targets: targets.targets, disagreements: targets.disagreements }) }, null, 2));
    return;
  }
  io.out(`${result.verdict === 'accepted' ? 'ACCEPTED' : 'REJECTED'}${result.nameId ? ` — NameID ${result.nameId}` : ''}`);
  const mark = { pass: 'pass', warn: 'WARN', fail: 'FAIL' } as const;
  const ordered = [...result.checks].sort((a, b) => rank(a.status) - rank(b.status));
  for (const c of ordered) {
    io.out(`  ${mark[c.status].padEnd(4)} ${c.id}: ${c.title}`);
    if (c.status !== 'pass') {
      io.out(`       expected: ${c.expected ?? '—'}`);
      io.out(`       received: ${c.received ?? '—'}`);
      if (c.hint) io.out(`       fix: ${c.hint}`);
    }
  }
  for (const a of result.attributes) io.out(`  attribute ${a.name}${a.friendlyName ? ` (${a.friendlyName})` : ''}: ${a.values.join(', ')}`);
}

function rank(status: string): number {
  return status === 'fail' ? 0 : status === 'warn' ? 1 : 2;
}

function issuerOf(response: string, isXml: boolean): string | null {
  try {
    const xml = isXml ? response : Buffer.from(response.replace(/\s+/g, ''), 'base64').toString('utf8');
    const root = parseXml(xml).documentElement;
    return textOf(firstChild(root, NS.saml, 'Issuer'))?.trim() ?? null;
  } catch {
    return null;
  }
}

async function readInput(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

async function readStdin(io: Io): Promise<string> {
  if (!io.stdin) throw new UsageError('--response - needs the response on standard input.');
  const text = await io.stdin();
  if (!text.trim()) throw new UsageError('Standard input is empty: pipe the response (base64 or XML) into --response -.');
  return text;
}

