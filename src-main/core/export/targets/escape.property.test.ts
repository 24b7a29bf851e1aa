// Exports are data, never code. Hostile strings (line breaks, quotes, `#{}`, `<?php`, `${}`, ini sections and
// comments, NUL, backslashes, Unicode line separators, "__proto__"…) go into EVERY input of EVERY export target, and
// the output is read back with the consumer's own parser: Ruby's (RubyVM::AbstractSyntaxTree: only literal
// assignments, compared value by value), PHP's (token_get_all for the statement shape, then the file loaded and its
// array compared), go-ini's rules for Grafana (plus the npm `ini` parser for the key set), acorn for the node-saml
// snippet, JSON.parse and @xmldom. The proof: the output for hostile values is exactly the output for harmless
// placeholders with each placeholder replaced by its hostile value (same keys, same statements, same values), or the
// export is refused with invalid-input naming a field whose value that format cannot carry.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import * as acorn from 'acorn';
import fc from 'fast-check';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportTarget } from '../../../contract/index.ts';
import { JitRules } from '../../../contract/jit-rules.ts';
import { unsafeConfigStringReason } from '../../../contract/safe-strings.ts';
import { LabError } from '../../errors.ts';
import { BINDING, type IdpMetadata } from '../../idp/metadata.ts';
import { certBase64 } from '../../util/cert.ts';
import type { TestedConfigBundle } from '../bundle-schema.ts';
import { exportSpMetadata, type SpMetadataExportInput } from '../sp-metadata-export.ts';
import { grafanaListItemProblem, label } from './escape.ts';
import { readGoIni } from './go-ini-reader.ts';
import { exportTarget, type TargetExport } from './index.ts';

const SEED = Number(process.env.FC_SEED ?? 20261202);
const requireCjs = createRequire(import.meta.url);
const npmIni = requireCjs('ini') as { parse: (text: string) => Record<string, unknown> };

type Kind = 'identifier' | 'label' | 'data' | 'comment';
type Format = 'ruby' | 'php' | 'ini' | 'js' | 'json' | 'xml';

/** Every input a target export reads, with what kind of value it is. */
const SLOTS = [
  { id: 'spEntityId', kind: 'identifier' },
  { id: 'acsUrl', kind: 'identifier' },
  { id: 'nameIdFormat', kind: 'identifier' },
  { id: 'idpEntityId', kind: 'identifier' },
  { id: 'ssoUrl', kind: 'identifier' },
  { id: 'idpName', kind: 'label' },
  { id: 'exportedBy', kind: 'comment' },
  /** Attribute names the IdP chose (a tested login carried them; the rules match them by FriendlyName). */
  { id: 'idpEmailAttribute', kind: 'data' },
  { id: 'idpGroupsAttribute', kind: 'data' },
  /** Rule inputs. */
  { id: 'displayNameSource', kind: 'data' },
  { id: 'firstNameSource', kind: 'data' },
  { id: 'principalAttribute', kind: 'data' },
  { id: 'requiredGroup', kind: 'data' },
  { id: 'roleValue', kind: 'data' },
  { id: 'roleName', kind: 'data' },
  { id: 'defaultRole', kind: 'data' },
  /** A group a tested account holds (Keycloak makes a group mapper for it). */
  { id: 'accountGroup', kind: 'data' },
] as const satisfies readonly { id: string; kind: Kind }[];
type SlotId = (typeof SLOTS)[number]['id'];
type Values = Record<SlotId, string>;

const placeholder = (i: number): string => `zq${i}zq`;
const PLACEHOLDERS = Object.fromEntries(SLOTS.map((s, i) => [s.id, placeholder(i)])) as Values;

let certB64 = '';

function makeContext(v: Values): { bundle: TestedConfigBundle; metadata: IdpMetadata } {
  const rules = JitRules.parse({
    version: 1,
    principal: { source: 'attribute', attribute: v.principalAttribute, caseInsensitive: false },
    caseInsensitiveAttributes: false,
    fields: [
      { field: 'email', sources: ['mail'] },
      { field: 'firstName', sources: [v.firstNameSource] },
      { field: 'displayName', sources: [v.displayNameSource] },
    ],
    groups: { sources: ['groups'], required: [v.requiredGroup], roles: [{ role: 'admin', match: 'exact', value: v.roleValue }, { role: v.roleName, match: 'exact', value: 'ops' }], defaultRole: v.defaultRole },
  });
  const metadata: IdpMetadata = {
    entityId: v.idpEntityId,
    ssoServices: [{ binding: BINDING.redirect, location: v.ssoUrl }],
    certificates: [{ base64: certB64, use: 'signing', fingerprintSha256: 'AA', subject: 'CN=idp', notBefore: '2020-01-01T00:00:00Z', notAfter: '2040-01-01T00:00:00Z' }],
    nameIdFormats: [],
    wantAuthnRequestsSigned: false,
    displayName: null,
  };
  const account = {
    id: 'acc-1',
    principal: 'alice',
    idpEntityId: v.idpEntityId,
    fields: { email: 'alice@example.com' },
    groups: [v.accountGroup, 'viewers'],
    roles: [],
    status: 'active' as const,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    lastLoginAt: '2030-01-01T00:00:00.000Z',
    loginCount: 1,
  };
  const bundle = {
    bundleVersion: 1,
    kind: 'saml-jit-lab/tested-config',
    exportedAt: '2030-01-01T00:00:00.000Z',
    exportedBy: v.exportedBy,
    containsSecrets: false,
    idp: { name: v.idpName, entityId: v.idpEntityId, metadataUrl: null, metadataXml: '<md:EntityDescriptor/>' },
    sp: { entityId: v.spEntityId, acsUrl: v.acsUrl, metadataUrl: '', loginUrl: '', nameIdFormat: v.nameIdFormat, certificatePem: 'x', certificateFingerprintSha256: 'x', privateKey: null },
    policy: { clockSkewSeconds: 180, allowUnsolicited: true, signaturePolicy: 'either', sha1Policy: 'warn', spProfile: 'lab' },
    rules,
    evidence: [
      {
        principal: 'alice',
        loginId: 'login-1',
        receivedAt: '2030-01-01T00:00:00.000Z',
        flow: 'idp-initiated',
        nameId: 'alice',
        nameIdFormat: null,
        samlResponse: 'x',
        checks: [],
        attributes: [
          { name: v.idpEmailAttribute, friendlyName: 'mail', nameFormat: null, values: ['alice@example.com'] },
          { name: v.idpGroupsAttribute, friendlyName: 'groups', nameFormat: null, values: [v.accountGroup] },
        ],
        diff: { kind: 'created', accountId: 'acc-1', changes: [], rolesGranted: [], rolesRemoved: [], linkedBy: null },
        account,
      },
    ],
  } as TestedConfigBundle;
  return { bundle, metadata };
}

// ---- hostile strings -------------------------------------------------------------------------------------------
const FRAGMENTS = [
  '\n', '\r\n', '\r', '\u0000', '\u0004', '\u001a', '\u0085', '\u2028', '\u2029', '\t', '\u00a0', '\ufeff',
  '"', "'", '`', '\\', '\\n', '#{`id`}', '#{1+1}', '#@x', '#$0', '${HOME}', '$__file{/etc/passwd}', '$__env{HOME}',
  '<?php echo 1; ?>', '?>', '*/', '/*', '<!--', ']]>', '&amp;', '<x a="b">', '[auth.saml]', '\nallow_sign_up = true',
  '\n[users]\nauto_assign_org_role = Admin', '; comment', '# comment', '"""', "'; exit(7); //", '"; system("id"); "',
  '{$x}', '__proto__', 'constructor', 'toString', '\n__END__\n', '=', ':', ',', '[', ']', '{', '}', ' ', 'é', '😀',
  '\ud800', '%duplicate', '\\u0000', "');\n$config = [];//",
];
const hostile = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) }), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''))
  .filter((s) => s.length > 0 && !/zq\d+zq/.test(s));
/** Hostile but printable: what even an ini or XML file must carry as itself. */
const printable = hostile.filter((s) => unsafeConfigStringReason(s) === null && !/[$`]/.test(s));

interface Case {
  values: Values;
  /** The slots that hold a hostile value (the others hold their placeholder). */
  hostileSlots: SlotId[];
}

function cases(): Case[] {
  const out: Case[] = [];
  let seed = SEED;
  // Every slot hostile at once.
  for (const values of fc.sample(fc.tuple(...SLOTS.map(() => hostile)), { numRuns: 12, seed: seed++ })) {
    out.push({ values: Object.fromEntries(SLOTS.map((s, i) => [s.id, values[i]!])) as Values, hostileSlots: SLOTS.map((s) => s.id) });
  }
  // One slot at a time: two hostile values and a printable hostile one for each.
  for (const slot of SLOTS) {
    for (const v of [...fc.sample(hostile, { numRuns: 1, seed: seed++ }), ...fc.sample(printable, { numRuns: 2, seed: seed++ })]) {
      out.push({ values: { ...PLACEHOLDERS, [slot.id]: v }, hostileSlots: [slot.id] });
    }
  }
  return out;
}

const FORMAT: Record<ExportTarget, Format> = { gitlab: 'ruby', simplesamlphp: 'php', grafana: 'ini', 'node-saml': 'js', keycloak: 'json' };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** May `format` refuse this value of this slot? Identifiers with control characters: everywhere. Ruby and PHP files
 * are UTF-8, so a lone surrogate cannot be written; a Grafana ini value cannot hold a line break, `$` (Grafana
 * expands variables) or a backtick. */
function refusable(format: Format, kind: Kind, v: string): boolean {
  if (kind === 'comment') return false;
  if (format === 'ini' && kind !== 'label') return unsafeConfigStringReason(v) !== null || /[$`]/.test(v);
  if (kind === 'identifier') return unsafeConfigStringReason(v) !== null;
  if (format === 'ruby' || format === 'php') return LONE_SURROGATE.test(v);
  return false;
}

/** The value the consumer should read back for a slot (Grafana's name is a display label, cleaned). */
function readBack(target: ExportTarget | 'sp-metadata', slot: SlotId, v: string): string {
  return target === 'grafana' && slot === 'idpName' ? label(v).replace(/[$`]/g, '') : v;
}

function replacePlaceholders(data: unknown, values: Values, target: ExportTarget | 'sp-metadata'): unknown {
  const byPlaceholder = new Map(SLOTS.map((s) => [PLACEHOLDERS[s.id], readBack(target, s.id, values[s.id])]));
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return x.replace(/zq\d+zq/g, (p) => byPlaceholder.get(p) ?? p);
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, val]) => [walk(k) as string, walk(val)]));
    return x;
  };
  return walk(data);
}

// ---- consumers' parsers ----------------------------------------------------------------------------------------
const RUBY_READER = String.raw`
require 'json'
def lit(n)
  raise 'not a node' unless n.is_a?(RubyVM::AbstractSyntaxTree::Node)
  case n.type
  when :STR then n.children[0]
  when :TRUE then true
  when :FALSE then false
  when :NIL then nil
  when :LIT, :INTEGER, :SYM
    v = n.children[0]
    if v.is_a?(Symbol) then { 'sym' => v.to_s } elsif v.is_a?(Integer) then v else raise "literal #{v.class}" end
  when :LIST then n.children.compact.map { |c| lit(c) }
  when :ZLIST then []
  when :HASH
    pairs = n.children[0].nil? ? [] : n.children[0].children.compact
    pairs.each_slice(2).map { |k, v| [lit(k), lit(v)] }
  else raise "not a literal: #{n.type}"
  end
end
ARGV.each do |path|
  begin
    body = RubyVM::AbstractSyntaxTree.parse(File.read(path, encoding: 'UTF-8')).children[2]
    stmts = body.nil? ? [] : (body.type == :BLOCK ? body.children : [body])
    out = stmts.map do |s|
      recv, meth, args = s.children
      raise "statement #{s.type}" unless s.type == :ATTRASGN && meth == :[]= && recv.type == :VCALL && recv.children[0] == :gitlab_rails
      a = args.children.compact
      raise 'assignment shape' unless a.length == 2
      [lit(a[0]), lit(a[1])]
    end
    puts JSON.generate({ 'ok' => out })
  rescue Exception => e
    puts JSON.generate({ 'error' => e.message.encode('UTF-8', invalid: :replace, undef: :replace) })
  end
end
`;

const PHP_READER = String.raw`
function shape($src) {
  $out = [];
  foreach (token_get_all($src) as $t) {
    if (is_array($t)) {
      $n = token_name($t[0]);
      if ($n === 'T_WHITESPACE' || $n === 'T_COMMENT' || $n === 'T_DOC_COMMENT') continue;
      $out[] = ($n === 'T_CONSTANT_ENCAPSED_STRING' || $n === 'T_LNUMBER') ? $n : $n . ':' . $t[1];
    } else {
      $out[] = $t;
    }
  }
  return $out;
}
function load($path) { $config = null; $metadata = []; ob_start(); include $path; $echo = ob_get_clean(); return ['config' => $config, 'metadata' => $metadata, 'echo' => $echo]; }
foreach (array_slice($argv, 1) as $path) {
  $r = ['shape' => shape(file_get_contents($path)), 'loaded' => load($path)];
  $j = json_encode($r);
  echo ($j === false ? json_encode(['error' => json_last_error_msg()]) : json_encode(['ok' => $r])), "\n";
}
`;

const have = (binary: string): boolean => !spawnSync(binary, ['--version'], { encoding: 'utf8' }).error;
const hasRuby = have('ruby');
const hasPhp = have('php');
if (!hasRuby) console.log('SKIPPED the GitLab (Ruby) property checks: ruby is not installed (apt-get install -y ruby; .ci/run installs it).');
if (!hasPhp) console.log('SKIPPED the SimpleSAMLphp (PHP) property checks: php is not installed (apt-get install -y php-cli; .ci/run installs it).');

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-escape-'));
  const pems = await generate([{ name: 'commonName', value: 'idp.example' }], { keySize: 1024, algorithm: 'sha256' });
  certB64 = certBase64(pems.cert);
  spKeys = { privateKeyPem: pems.private, certificatePem: pems.cert };
}, 30_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
let spKeys = { privateKeyPem: '', certificatePem: '' };

function runInterpreter(binary: string, args: string[], paths: string[]): unknown[] {
  const r = spawnSync(binary, [...args, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${binary} failed (${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(paths.length);
  return lines.map((l) => {
    const parsed = JSON.parse(l) as { ok?: unknown; error?: string };
    if (parsed.error !== undefined) return { parseError: parsed.error };
    return parsed.ok;
  });
}

/** Reads every export of one target with its consumer's parser, in one interpreter call per target. */
async function readAll(target: ExportTarget, exports: TargetExport[]): Promise<unknown[]> {
  const fileOf = (e: TargetExport, name: string): string => e.files.find((f) => f.fileName === name)!.content;
  if (target === 'gitlab') {
    const paths = await Promise.all(exports.map(async (e, i) => { const p = join(dir, `gitlab-${i}.rb`); await writeFile(p, fileOf(e, 'gitlab.rb')); return p; }));
    return runInterpreter('ruby', ['-e', RUBY_READER], paths);
  }
  if (target === 'simplesamlphp') {
    const paths: string[] = [];
    for (const [i, e] of exports.entries()) {
      for (const name of ['authsources.php', 'saml20-idp-remote.php']) {
        const p = join(dir, `ssp-${i}-${name}`);
        await writeFile(p, fileOf(e, name));
        paths.push(p);
      }
    }
    const read = runInterpreter('php', ['-d', 'display_errors=stderr', '-r', PHP_READER], paths);
    return exports.map((_, i) => ({ authsources: read[2 * i], remote: read[2 * i + 1] }));
  }
  if (target === 'grafana') {
    return exports.map((e) => {
      const text = fileOf(e, 'grafana-saml.ini');
      const flat = (o: unknown, prefix = ''): string[] => Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => (v && typeof v === 'object' ? flat(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
      try {
        return { goIni: readGoIni(text), npmIniKeys: flat(npmIni.parse(text)).sort() };
      } catch (error) {
        return { parseError: String(error) };
      }
    });
  }
  if (target === 'node-saml') {
    const strip = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(strip);
      if (!node || typeof node !== 'object') return node;
      return Object.fromEntries(Object.entries(node).filter(([k]) => !['start', 'end', 'raw', 'loc', 'range'].includes(k)).map(([k, v]) => [k, strip(v)]));
    };
    return exports.map((e) => {
      try {
        return { options: JSON.parse(fileOf(e, 'node-saml-options.json')) as unknown, snippet: strip(acorn.parse(fileOf(e, 'saml.js'), { ecmaVersion: 'latest', sourceType: 'script' })) };
      } catch (error) {
        return { parseError: String(error) };
      }
    });
  }
  return exports.map((e) => {
    const realm = JSON.parse(fileOf(e, 'keycloak-identity-provider.json')) as { identityProviderMappers: { config: Record<string, string> }[] };
    // The advanced mappers hold JSON in a string: read it too.
    for (const m of realm.identityProviderMappers) if (m.config.attributes !== undefined) (m.config as Record<string, unknown>).attributes = JSON.parse(m.config.attributes);
    return realm;
  });
}

/** What the consumer must read for these values: the placeholder reading with each placeholder replaced, minus what
 * the target deliberately leaves out (Grafana role values that its list syntax would split; Keycloak groups whose
 * "/" would make a subgroup path). Keycloak's mappers are compared as a set (they are sorted by group name). */
function expected(target: ExportTarget, benign: unknown, c: Case): unknown {
  const copy = structuredClone(benign) as Record<string, unknown>;
  if (target === 'grafana' && grafanaListItemProblem(c.values.roleValue) !== null) {
    delete (copy.goIni as Record<string, Record<string, string>>)['auth.saml']!.role_values_admin;
    copy.npmIniKeys = (copy.npmIniKeys as string[]).filter((k) => !k.endsWith('role_values_admin'));
  }
  if (target === 'keycloak' && c.values.accountGroup.includes('/')) {
    const realm = copy as { identityProviderMappers: unknown[] };
    realm.identityProviderMappers = realm.identityProviderMappers.filter((m) => !(JSON.stringify(m).includes(PLACEHOLDERS.accountGroup) && JSON.stringify(m).includes('saml-advanced-group-idp-mapper')));
  }
  return canonical(target, replacePlaceholders(copy, c.values, target));
}

function canonical(target: ExportTarget, data: unknown): unknown {
  if (target === 'keycloak') {
    const realm = data as { identityProviderMappers: unknown[] };
    return { ...realm, identityProviderMappers: [...realm.identityProviderMappers].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) };
  }
  return data;
}

const TARGETS: ExportTarget[] = ['gitlab', 'simplesamlphp', 'grafana', 'node-saml', 'keycloak'];

describe('every input of every export target, hostile strings read back by the consumer\'s own parser', () => {
  const all = cases();

  for (const target of TARGETS) it.skipIf((FORMAT[target] === 'ruby' && !hasRuby) || (FORMAT[target] === 'php' && !hasPhp))(target, async () => {
    const format = FORMAT[target];
    const benignExport = exportTarget(target, makeContext(PLACEHOLDERS));
    const outcomes = all.map((c) => {
      try {
        return { c, export: exportTarget(target, makeContext(c.values)) };
      } catch (error) {
        return { c, error };
      }
    });
    const exported = outcomes.filter((o): o is { c: Case; export: TargetExport } => 'export' in o);
    const [benign, ...reads] = await readAll(target, [benignExport, ...exported.map((o) => o.export)]);
    expect(benign).not.toHaveProperty('parseError');
    let accepted = 0;
    let refused = 0;
    for (const o of outcomes) {
      const slotsOfCase = SLOTS.filter((s) => o.c.hostileSlots.includes(s.id));
      const mayRefuse = slotsOfCase.filter((s) => refusable(format, s.kind, o.c.values[s.id]));
      if ('error' in o) {
        refused++;
        // Refused: invalid-input naming a field whose value this format cannot carry.
        expect(o.error).toBeInstanceOf(LabError);
        const e = o.error as LabError;
        const details = e.details as { field: string; value: string };
        expect(e.code).toBe('invalid-input');
        expect(e.message).toContain(details.field);
        expect(mayRefuse.map((s) => o.c.values[s.id]), `${target} refused ${JSON.stringify(details)} without reason`).toContain(details.value);
        continue;
      }
      accepted++;
      const read = reads[exported.indexOf(o)];
      expect(read, `${target} output does not parse for ${JSON.stringify(o.c.values)}`).not.toHaveProperty('parseError');
      expect(canonical(target, read), `${target} for ${JSON.stringify(o.c.values)}`).toEqual(expected(target, benign, o.c));
    }
    // Single-slot cases whose value the format can carry must not be refused.
    for (const o of outcomes.filter((x) => x.c.hostileSlots.length === 1)) {
      const slot = SLOTS.find((s) => s.id === o.c.hostileSlots[0])!;
      if (!refusable(format, slot.kind, o.c.values[slot.id])) expect(o, `${target} refused ${slot.id} = ${JSON.stringify(o.c.values[slot.id])}`).toHaveProperty('export');
    }
    expect(accepted).toBeGreaterThanOrEqual(SLOTS.length);
    console.log(`${target} (${format}): ${accepted} hostile exports read back exactly, ${refused} refused with invalid-input`);
  }, 60_000);


  it('SP metadata XML: entity ID, ACS URL and NameID format read back by @xmldom as themselves, or are refused', () => {
    const sp = (v: Values): SpMetadataExportInput => ({ entityId: v.spEntityId, acsUrl: v.acsUrl, nameIdFormat: v.nameIdFormat, authnRequestsSigned: false, wantAssertionsSigned: true });
    const tree = (xml: string): unknown => {
      const errors: string[] = [];
      const doc = new DOMParser({ errorHandler: (level: string, msg: unknown) => { if (level !== 'warning') errors.push(String(msg)); } }).parseFromString(xml, 'text/xml');
      if (errors.length) return { parseError: errors.join('; ') };
      const walk = (n: Node): unknown => {
        if (n.nodeType === 3) return n.nodeValue;
        const el = n as Element;
        const attrs = Array.from({ length: el.attributes.length }, (_, i) => [el.attributes[i]!.name, el.attributes[i]!.value]);
        return { name: el.nodeName, attrs, children: Array.from({ length: el.childNodes.length }, (_, i) => walk(el.childNodes[i]!)) };
      };
      return walk(doc.documentElement!);
    };
    const benign = tree(exportSpMetadata(sp(PLACEHOLDERS), spKeys, false));
    let accepted = 0;
    for (const c of all) {
      const xmlSlots = SLOTS.filter((s) => ['spEntityId', 'acsUrl', 'nameIdFormat'].includes(s.id) && c.hostileSlots.includes(s.id));
      let xml: string;
      try {
        xml = exportSpMetadata(sp(c.values), spKeys, false);
      } catch (error) {
        expect((error as LabError).code).toBe('invalid-input');
        expect(xmlSlots.filter((s) => refusable('xml', s.kind, c.values[s.id])).map((s) => c.values[s.id])).toContain(((error as LabError).details as { value: string }).value);
        continue;
      }
      accepted++;
      expect(tree(xml)).toEqual(replacePlaceholders(benign, c.values, 'sp-metadata'));
    }
    expect(accepted).toBeGreaterThan(6);
  });
});
