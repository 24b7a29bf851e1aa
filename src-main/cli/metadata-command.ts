// `saml-jit-lab metadata FILE`: prints what the metadata parser understood, the way the import screen shows it.
// Exit 0 printed, 2 usage or unreadable input (missing file, not metadata, no such entity, bad signature).
import { readFile } from 'node:fs/promises';
import { LabError } from '../core/errors.ts';
import { decodeMetadataBytes, overviewMetadata, parseIdpMetadata, type MetadataOverview, type ParsedIdpMetadata } from '../core/idp/metadata.ts';
import { UsageError, parseFlags } from './args.ts';
import type { Io } from './serve.ts';
import { METADATA_USAGE } from './usage.ts';

export { METADATA_USAGE } from './usage.ts';

const BINDING_PREFIX = 'urn:oasis:names:tc:SAML:2.0:bindings:';

export async function metadataCommand(argv: string[], io: Io, now: Date = new Date()): Promise<number> {
  let source = 'the metadata';
  try {
    const { flags, positional } = parseFlags(argv, { entity: 'string', 'trust-cert': 'string', json: 'boolean', help: 'boolean' });
    if (flags.help) {
      io.out(`Usage: ${METADATA_USAGE}`);
      return 0;
    }
    if (positional.length !== 1) throw new UsageError(`Give one metadata file (or - for standard input).\nUsage: ${METADATA_USAGE}`);
    const file = positional[0]!;
    source = file === '-' ? 'standard input' : file;
    const xml = file === '-' ? await readStdin(io) : decodeMetadataBytes(await readBytes(file, 'the metadata file'));
    const trustCerts = typeof flags['trust-cert'] === 'string' ? (await readBytes(flags['trust-cert'], '--trust-cert')).toString('utf8') : undefined;
    const entityId = typeof flags.entity === 'string' ? flags.entity : undefined;
    const json = flags.json === true;
    const overview = overviewMetadata(xml);
    if (overview.kind === 'aggregate' && entityId === undefined) {
      printAggregate(overview, json, io);
      return 0;
    }
    printIdp(parseIdpMetadata(xml, { entityId, trustCerts, now }), json, io);
    return 0;
  } catch (error) {
    if (error instanceof LabError) {
      io.err(`${source}: ${error.message}`);
      return 2;
    }
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}

function printAggregate(overview: MetadataOverview, json: boolean, io: Io): void {
  if (json) {
    io.out(JSON.stringify(overview, null, 2));
    return;
  }
  const n = overview.idps.length;
  io.out(`EntitiesDescriptor${overview.name ? ` ${overview.name}` : ''}: ${overview.entityCount} ${plural(overview.entityCount, 'entity', 'entities')}, ${n} ${plural(n, 'IdP', 'IdPs')}`);
  const width = Math.max(0, ...overview.idps.map((i) => i.entityId.length));
  for (const idp of overview.idps) io.out(`  ${idp.displayName ? `${idp.entityId.padEnd(width)}  ${idp.displayName}` : idp.entityId}`);
  io.out(n > 0 ? 'Show one with --entity ID.' : 'No IdP in this aggregate (no SAML 2.0 IDPSSODescriptor).');
}

function printIdp(md: ParsedIdpMetadata, json: boolean, io: Io): void {
  if (json) {
    io.out(JSON.stringify({ kind: 'idp', ...md }, null, 2));
    return;
  }
  const rows: [string, string][] = [['entityID', md.entityId]];
  if (md.displayName) rows.push(['display name', md.displayName]);
  if (md.aggregate) rows.push(['from aggregate', `${md.aggregate.name ?? '(unnamed EntitiesDescriptor)'} (${md.aggregate.idpCount} ${plural(md.aggregate.idpCount, 'IdP', 'IdPs')})`]);
  const bw = Math.max(...[...md.ssoServices, ...md.sloServices].map((s) => shortBinding(s.binding).length));
  md.ssoServices.forEach((s, i) => rows.push([i === 0 ? 'SSO' : '', `${shortBinding(s.binding).padEnd(bw)}  ${s.location}`]));
  md.sloServices.forEach((s, i) => rows.push([i === 0 ? 'SLO' : '', `${shortBinding(s.binding).padEnd(bw)}  ${s.location}${s.responseLocation ? ` (responses to ${s.responseLocation})` : ''}`]));
  for (const c of md.certificates) {
    const label = c.use === 'any' ? 'cert (any use)' : `${c.use} cert`;
    rows.push([label, `SHA-256 ${c.fingerprintSha256}`]);
    rows.push(['', `${c.subject || '(no subject)'}, valid ${c.notBefore.slice(0, 10)} to ${c.notAfter.slice(0, 10)}`]);
  }
  md.nameIdFormats.forEach((f, i) => rows.push([i === 0 ? 'NameID formats' : '', f]));
  rows.push(['signed requests', md.wantAuthnRequestsSigned ? 'wanted (WantAuthnRequestsSigned="true")' : 'not required']);
  if (md.validUntil) rows.push(['validUntil', md.validUntil]);
  if (md.cacheDuration) rows.push(['cacheDuration', md.cacheDuration]);
  if (md.otherRoles.length) rows.push(['other roles', md.otherRoles.join(', ')]);
  rows.push(['signature', `${md.signature.status}: ${md.signature.detail}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) io.out(`  ${k.padEnd(width)}  ${v}`);
  if (md.warnings.length) {
    io.out('Warnings:');
    for (const w of md.warnings) io.out(`  - ${w.message}`);
  }
}

function shortBinding(binding: string): string {
  return binding.startsWith(BINDING_PREFIX) ? binding.slice(BINDING_PREFIX.length) : binding;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

async function readBytes(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    throw new UsageError(`Cannot read ${what} ${path}: ${why}.`);
  }
}

async function readStdin(io: Io): Promise<string> {
  if (!io.stdin) throw new UsageError('Reading metadata from - needs standard input.');
  const text = await io.stdin();
  if (!text.trim()) throw new UsageError('Standard input is empty: pipe the metadata XML in.');
  return text;
}
