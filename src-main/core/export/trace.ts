// Trace export of selected logins (importable with import.trace), with redaction. Redacting NameIDs or attribute
// values rewrites them everywhere they occur: the structured fields, the check texts, the diff, and the stored XML
// (rewritten through the DOM; encrypted parts and signatures are dropped, the base64 SAMLResponse is re-encoded
// from the rewritten XML). Hashes are HMAC-SHA-256 with a key made for one export and thrown away: stable within
// the file, not linkable across exports, not reversible by hashing guesses. Logins never hold private keys.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { XMLSerializer } from '@xmldom/xmldom';
import { z } from 'zod';
import { LoginDetail } from '../../contract/index.ts';
import { LabError } from '../errors.ts';
import type { StoredLogin } from '../store/schema.ts';
import { NS, descendants, parseXml, textOf } from '../util/xml.ts';

export const TRACE_VERSION = 1;
export const TRACE_KIND = 'saml-jit-lab/trace';
export type RedactMode = 'keep' | 'hash' | 'drop';
/** Values shorter than this are rewritten only where they stand (NameID, AttributeValue), not inside free text. */
const MIN_FREE_TEXT = 3;
const DROPPED = '[redacted]';

export const Trace = z.object({
  traceVersion: z.literal(TRACE_VERSION),
  kind: z.literal(TRACE_KIND),
  exportedAt: z.string(),
  exportedBy: z.string(),
  redaction: z.object({
    nameId: z.enum(['keep', 'hash', 'drop']),
    attributes: z.enum(['keep', 'hash', 'drop']),
    signatures: z.enum(['kept', 'dropped']),
    note: z.string(),
  }),
  logins: z.array(LoginDetail),
});
export type Trace = z.infer<typeof Trace>;

export interface TraceOptions {
  nameId: RedactMode;
  attributes: RedactMode;
  dropSignatures: boolean;
  now: Date;
  version: string;
}

export function buildTrace(logins: LoginDetail[], options: TraceOptions): Trace {
  const redacting = options.nameId !== 'keep' || options.attributes !== 'keep';
  const dropSignatures = options.dropSignatures || redacting;
  const key = randomBytes(32);
  const hash = (v: string): string => `sha256:${createHmac('sha256', key).update(v, 'utf8').digest('hex').slice(0, 24)}`;
  const trace: Trace = {
    traceVersion: TRACE_VERSION,
    kind: TRACE_KIND,
    exportedAt: options.now.toISOString(),
    exportedBy: `saml-jit-lab ${options.version}`,
    redaction: {
      nameId: options.nameId,
      attributes: options.attributes,
      signatures: dropSignatures ? 'dropped' : 'kept',
      note: redacting
        ? `Redacted values are ${options.nameId === 'hash' || options.attributes === 'hash' ? 'HMAC-SHA-256 hashes with a key used for this export only (equal values hash equally within this file) or ' : ''}removed; the XML was rewritten, so its signatures were dropped and it no longer verifies.`
        : dropSignatures
          ? 'Signatures were removed from the XML; it no longer verifies.'
          : 'Nothing was redacted.',
    },
    logins: logins.map((l) => redactLogin(l, options, dropSignatures, hash)),
  };
  return Trace.parse(trace);
}

function redactLogin(login: LoginDetail, options: TraceOptions, dropSignatures: boolean, hash: (v: string) => string): LoginDetail {
  const docs = [login.xml, login.decryptedXml].map((x) => (x === null ? null : tryParse(x)));
  // Every original value: the verified fields, and whatever the XML claims (a rejected login's attributes too).
  const nameIds = new Set<string>();
  const values = new Set<string>();
  if (options.nameId !== 'keep') {
    for (const v of [login.nameId, login.claimedNameId]) if (v) nameIds.add(v);
    for (const doc of docs) if (doc) for (const el of descendants(doc, NS.saml, 'NameID')) nameIds.add((textOf(el) ?? '').trim());
  }
  if (options.attributes !== 'keep') {
    for (const a of login.attributes) for (const v of a.values) values.add(v);
    // The account's earlier values (diff "before") come from the store, not from this login: redact them too.
    for (const c of login.diff.changes) for (const v of [c.before, c.after].flat()) if (typeof v === 'string' && v !== '') values.add(v);
    for (const doc of docs) if (doc) for (const el of descendants(doc, NS.saml, 'AttributeValue')) values.add(textOf(el) ?? '');
  }
  const mapping = new Map<string, string>();
  const add = (set: Set<string>, mode: RedactMode): void => {
    for (const raw of set) {
      for (const v of new Set([raw, raw.trim(), raw.toLowerCase(), raw.toUpperCase(), raw.trim().toLowerCase()])) {
        if (v && !mapping.has(v)) mapping.set(v, mode === 'hash' ? hash(v) : DROPPED);
      }
    }
  };
  add(nameIds, options.nameId);
  add(values, options.attributes);
  const free = [...mapping.keys()].filter((v) => v.length >= MIN_FREE_TEXT).sort((a, b) => b.length - a.length);
  const pattern = free.length > 0 ? new RegExp(free.map(escapeRegExp).join('|'), 'g') : null;
  const text = (s: string): string => (pattern ? s.replace(pattern, (m) => mapping.get(m) ?? DROPPED) : s);
  const textOrNull = (s: string | null): string | null => (s === null ? null : text(s));
  const one = (mode: RedactMode, v: string | null): string | null => (v === null || mode === 'keep' ? (v === null ? null : text(v)) : mode === 'drop' ? null : (mapping.get(v) ?? hash(v)));

  const rewrite = (doc: Document | null, original: string | null): string | null => {
    if (original === null) return null;
    if (!doc) return mapping.size > 0 || dropSignatures ? null : original; // unparseable: cannot be rewritten safely
    if (mapping.size === 0 && !dropSignatures) return original;
    rewriteXml(doc, options, mapping, dropSignatures, text);
    return new XMLSerializer().serializeToString(doc as unknown as Node);
  };
  const xml = rewrite(docs[0] ?? null, login.xml);
  const decryptedXml = rewrite(docs[1] ?? null, login.decryptedXml);
  const changedXml = mapping.size > 0 || dropSignatures;
  const samlResponse = !changedXml ? login.samlResponse : xml === null ? null : Buffer.from(xml, 'utf8').toString('base64');

  return {
    ...login,
    nameId: one(options.nameId, login.nameId),
    claimedNameId: one(options.nameId, login.claimedNameId),
    xml,
    decryptedXml,
    samlResponse,
    relayState: textOrNull(login.relayState),
    checks: login.checks.map((c) => ({
      ...c,
      title: text(c.title),
      expected: textOrNull(c.expected),
      // jit.duplicate-email and the look-alike checks name ANOTHER account (its email and principal), which this
      // login's values cannot map.
      received: mapping.size > 0 && (c.id === 'jit.duplicate-email' || c.id === 'jit.confusable-principal' || c.id === 'jit.confusable-email') ? DROPPED : textOrNull(c.received),
      hint: textOrNull(c.hint),
    })),
    attributes: login.attributes.map((a) => ({
      ...a,
      values: options.attributes === 'drop' ? [] : options.attributes === 'hash' ? a.values.map((v) => mapping.get(v) ?? hash(v)) : a.values.map(text),
    })),
    diff: {
      ...login.diff,
      changes: login.diff.changes.map((c) => ({ ...c, before: redactValue(c.before, text), after: redactValue(c.after, text) })),
      rolesGranted: login.diff.rolesGranted.map(text),
      rolesRemoved: login.diff.rolesRemoved.map(text),
    },
  };
}

function redactValue(v: string | string[] | null, text: (s: string) => string): string | string[] | null {
  if (v === null) return null;
  return Array.isArray(v) ? v.map(text) : text(v);
}

function rewriteXml(doc: Document, options: TraceOptions, mapping: Map<string, string>, dropSignatures: boolean, text: (s: string) => string): void {
  const remove = (el: Element): void => {
    el.parentNode?.removeChild(el);
  };
  if (mapping.size > 0) {
    // Ciphertext cannot be rewritten: drop it (the decrypted copy is rewritten instead).
    for (const name of ['EncryptedAssertion', 'EncryptedID', 'EncryptedAttribute']) descendants(doc, NS.saml, name).forEach(remove);
  }
  if (dropSignatures) descendants(doc, NS.ds, 'Signature').forEach(remove);
  const setText = (el: Element, value: string): void => {
    while (el.firstChild) el.removeChild(el.firstChild);
    el.appendChild(doc.createTextNode(value));
  };
  if (options.nameId !== 'keep') {
    for (const el of descendants(doc, NS.saml, 'NameID')) {
      const v = (textOf(el) ?? '').trim();
      setText(el, options.nameId === 'drop' ? DROPPED : (mapping.get(v) ?? DROPPED));
    }
  }
  if (options.attributes !== 'keep') {
    for (const el of descendants(doc, NS.saml, 'AttributeValue')) {
      if (options.attributes === 'drop') remove(el);
      else setText(el, mapping.get(textOf(el) ?? '') ?? DROPPED);
    }
  }
  // Anything else that quotes a value (an Audience, a comment, an attribute of some element): rewritten in place.
  const walk = (node: Node): void => {
    if (node.nodeType === 3 || node.nodeType === 4 || node.nodeType === 8) {
      const data = (node as CharacterData).data;
      const next = text(data);
      if (next !== data) (node as CharacterData).data = next;
      return;
    }
    if (node.nodeType === 1) {
      const el = node as Element;
      for (const a of Array.from(el.attributes)) {
        if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
        const next = text(a.value);
        if (next !== a.value) el.setAttribute(a.name, next);
      }
    }
    for (let c = node.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(doc as unknown as Node);
}

function tryParse(xml: string): Document | null {
  try {
    return parseXml(xml);
  } catch {
    return null;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads a trace file; the logins come back as stored logins with fresh ids and no account (accounts are not part
 * of a trace). */
export function readTrace(json: string): StoredLogin[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new LabError('invalid-input', `This file is not a trace: it is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const obj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (obj.kind !== TRACE_KIND) throw new LabError('invalid-input', `This file is not a SAML JIT Lab trace (its "kind" is ${JSON.stringify(obj.kind ?? null)}, expected "${TRACE_KIND}").`);
  if (typeof obj.traceVersion === 'number' && obj.traceVersion > TRACE_VERSION) {
    throw new LabError('invalid-input', `This trace was written by a newer SAML JIT Lab (trace version ${obj.traceVersion}; this version reads up to ${TRACE_VERSION}). Update SAML JIT Lab to import it.`);
  }
  const parsed = Trace.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LabError('invalid-input', `This trace is damaged or was edited by hand: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data.logins.map((l) => ({
    id: randomUUID(),
    receivedAt: l.receivedAt,
    verdict: l.verdict,
    flow: l.flow,
    idpEntityId: l.idpEntityId,
    nameId: l.nameId,
    claimedNameId: l.claimedNameId,
    nameIdFormat: l.nameIdFormat,
    sessionIndex: l.sessionIndex,
    accountId: null,
    samlResponse: l.samlResponse,
    xml: l.xml,
    decryptedXml: l.decryptedXml,
    relayState: l.relayState,
    checks: l.checks,
    attributes: l.attributes,
    diff: { ...l.diff, accountId: null },
    http: l.http,
  }));
}
