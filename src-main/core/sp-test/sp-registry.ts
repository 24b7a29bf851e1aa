// The SPs registered for testing: from their metadata (AssertionConsumerService, entityID, KeyDescriptor,
// WantAssertionsSigned, AuthnRequestsSigned) or from an entity ID and an ACS URL. Kept in a small JSON file in the
// data folder (sp-test/sps.json), read and validated at every load, written atomically.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RegisteredSp, type SpRegistrationInput } from '../../contract/sp-test.ts';
import { LabError } from '../errors.ts';
import { certBase64, summarizeCert } from '../util/cert.ts';
import { NS, XmlParseError, attr, childElements, descendants, parseXml, textOf } from '../util/xml.ts';

const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const MAX_SPS = 200;

export interface ParsedSpMetadata {
  entityId: string;
  acsUrl: string;
  acsUrls: string[];
  signingCertificates: string[];
  wantAssertionsSigned: boolean;
  authnRequestsSigned: boolean;
  nameIdFormat: string | null;
}

/** Reads an SP's metadata (an EntityDescriptor with an SPSSODescriptor, or the first such entity of an aggregate). */
export function parseSpMetadata(xml: string): ParsedSpMetadata {
  let doc: Document;
  try {
    doc = parseXml(xml.replace(/^\uFEFF/, '').trimStart());
  } catch (error) {
    throw new LabError('invalid-metadata', `The SP metadata is not well-formed XML: ${error instanceof XmlParseError ? error.message : String(error)}`);
  }
  const entity = descendants(doc, NS.md, 'EntityDescriptor').find((e) => childElements(e, NS.md, 'SPSSODescriptor').length > 0);
  if (!entity) {
    const isIdp = descendants(doc, NS.md, 'IDPSSODescriptor').length > 0;
    throw new LabError('invalid-metadata', isIdp ? "This is an IdP's metadata (IDPSSODescriptor), not an SP's: give your application's SP metadata." : 'There is no EntityDescriptor with an SPSSODescriptor in this XML.');
  }
  const entityId = attr(entity, 'entityID')?.trim();
  if (!entityId) throw new LabError('invalid-metadata', 'The SP EntityDescriptor has no entityID.');
  const sp = childElements(entity, NS.md, 'SPSSODescriptor')[0]!;
  const acs = childElements(sp, NS.md, 'AssertionConsumerService')
    .map((e) => ({ binding: attr(e, 'Binding') ?? '', location: (attr(e, 'Location') ?? '').trim(), index: Number(attr(e, 'index') ?? '0'), isDefault: attr(e, 'isDefault') === 'true' }))
    .filter((e) => e.location);
  const post = acs.filter((e) => e.binding === POST_BINDING).sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.index - b.index);
  if (post.length === 0) {
    throw new LabError('invalid-metadata', acs.length ? `The SP has no HTTP-POST AssertionConsumerService (only ${[...new Set(acs.map((e) => e.binding))].join(', ')}); the lab posts responses.` : 'The SP metadata lists no AssertionConsumerService.');
  }
  const signingCertificates: string[] = [];
  for (const kd of childElements(sp, NS.md, 'KeyDescriptor')) {
    const use = attr(kd, 'use');
    if (use && use !== 'signing') continue;
    for (const c of descendants(kd, NS.ds, 'X509Certificate')) {
      const b64 = certBase64(textOf(c) ?? '');
      if (b64 && summarizeCert(b64) && !signingCertificates.includes(b64)) signingCertificates.push(b64);
    }
  }
  const nameIdFormat = childElements(sp, NS.md, 'NameIDFormat').map((e) => (textOf(e) ?? '').trim()).find(Boolean) ?? null;
  return {
    entityId,
    acsUrl: post[0]!.location,
    acsUrls: acs.map((e) => e.location),
    signingCertificates,
    wantAssertionsSigned: attr(sp, 'WantAssertionsSigned') === 'true',
    authnRequestsSigned: attr(sp, 'AuthnRequestsSigned') === 'true',
    nameIdFormat,
  };
}

/** Only http(s) URLs on 127.0.0.1: the suite posts forged logins, so it must never reach another machine. */
export function assertLoopbackUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LabError('invalid-input', `${what} is not a URL: "${value}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LabError('invalid-input', `${what} must be an http(s) URL (got ${url.protocol}).`);
  if (url.hostname !== '127.0.0.1') throw new LabError('forbidden', `${what} must be on 127.0.0.1 (got ${url.host}): the suite sends forged logins and only tests an application running on this machine.`);
  if (url.username || url.password) throw new LabError('invalid-input', `${what} must not carry credentials.`);
  return url;
}

function isLoopbackUrl(value: string): boolean {
  try {
    assertLoopbackUrl(value, 'URL');
    return true;
  } catch {
    return false;
  }
}

/** Builds the registration from metadata (already read) or entity ID + ACS URL; URLs limited to 127.0.0.1. */
export function registrationFrom(input: Omit<SpRegistrationInput, 'metadataUrl'>, now: Date): RegisteredSp {
  let parsed: ParsedSpMetadata;
  if (input.metadataXml) {
    parsed = parseSpMetadata(input.metadataXml);
    if (input.entityId && input.entityId !== parsed.entityId) throw new LabError('invalid-input', `The metadata's entityID is ${parsed.entityId}, not ${input.entityId}.`);
    if (input.acsUrl) parsed = { ...parsed, acsUrl: input.acsUrl, acsUrls: parsed.acsUrls.includes(input.acsUrl) ? parsed.acsUrls : [...parsed.acsUrls, input.acsUrl] };
  } else {
    if (!input.entityId || !input.acsUrl) throw new LabError('invalid-input', 'Give the SP metadata, or its entity ID and ACS URL.');
    parsed = { entityId: input.entityId, acsUrl: input.acsUrl, acsUrls: [input.acsUrl], signingCertificates: [], wantAssertionsSigned: false, authnRequestsSigned: false, nameIdFormat: null };
  }
  assertLoopbackUrl(parsed.acsUrl, 'The ACS URL');
  // The lab IdP only ever answers to ACS URLs on this machine, whatever else the metadata lists.
  parsed = { ...parsed, acsUrls: parsed.acsUrls.filter((u) => isLoopbackUrl(u)) };
  for (const [value, what] of [[input.startUrl, 'The start URL'], [input.whoamiUrl, 'The who-am-I URL']] as const) if (value) assertLoopbackUrl(value, what);
  return RegisteredSp.parse({
    id: randomUUID(),
    name: input.name?.trim() || parsed.entityId,
    ...parsed,
    startUrl: input.startUrl ?? null,
    whoamiUrl: input.whoamiUrl ?? null,
    successRule: input.successRule ?? null,
    addedAt: now.toISOString(),
  });
}

const RegistryFile = z.object({ version: z.literal(1), sps: z.array(RegisteredSp).max(MAX_SPS) });

/** The registered SPs, in `<dataDir>/sp-test/sps.json`. */
export class SpRegistry {
  private readonly file: string;
  private sps: RegisteredSp[] | null = null;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'sp-test', 'sps.json');
  }

  async list(): Promise<RegisteredSp[]> {
    if (this.sps) return this.sps;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return (this.sps = []);
      throw error;
    }
    const parsed = RegistryFile.safeParse(safeJson(text));
    if (!parsed.success) throw new LabError('internal', `${this.file} is not a list of registered SPs; move it aside to start over.`);
    return (this.sps = parsed.data.sps);
  }

  async get(id: string): Promise<RegisteredSp> {
    const sp = (await this.list()).find((s) => s.id === id);
    if (!sp) throw new LabError('not-found', `There is no registered SP with id ${id}.`);
    return sp;
  }

  /** Adds the SP, or replaces the one with the same entity ID (keeping its id). */
  async upsert(sp: RegisteredSp): Promise<RegisteredSp> {
    const list = [...(await this.list())];
    const at = list.findIndex((s) => s.entityId === sp.entityId);
    const saved = at >= 0 ? { ...sp, id: list[at]!.id } : sp;
    if (at >= 0) list[at] = saved;
    else if (list.length >= MAX_SPS) throw new LabError('invalid-input', `At most ${MAX_SPS} SPs can be registered.`);
    else list.push(saved);
    await this.save(list);
    return saved;
  }

  async update(id: string, patch: Partial<Pick<RegisteredSp, 'startUrl' | 'whoamiUrl' | 'successRule' | 'acsUrl'>>): Promise<RegisteredSp> {
    const current = await this.get(id);
    if (patch.acsUrl) assertLoopbackUrl(patch.acsUrl, 'The ACS URL');
    if (patch.startUrl) assertLoopbackUrl(patch.startUrl, 'The start URL');
    if (patch.whoamiUrl) assertLoopbackUrl(patch.whoamiUrl, 'The who-am-I URL');
    const next = RegisteredSp.parse({ ...current, ...patch, acsUrls: patch.acsUrl && !current.acsUrls.includes(patch.acsUrl) ? [...current.acsUrls, patch.acsUrl] : current.acsUrls });
    await this.save((await this.list()).map((s) => (s.id === id ? next : s)));
    return next;
  }

  async remove(id: string): Promise<boolean> {
    const list = await this.list();
    const next = list.filter((s) => s.id !== id);
    if (next.length === list.length) return false;
    await this.save(next);
    return true;
  }

  private async save(sps: RegisteredSp[]): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ version: 1, sps }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
    this.sps = sps;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
