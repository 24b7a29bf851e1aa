// A streaming reader for metadata files too large to hold as a DOM (a federation's EntitiesDescriptor: 100 MB,
// thousands of entities). It reads chunks from any async byte source (a file stream, an upload body), keeps only an
// element stack and the entity being read, and answers what `overviewMetadata` answers: each EntityDescriptor's
// entityID, whether it has a SAML 2.0 IDPSSODescriptor and its display name. Given an entityID it also cuts out that
// ONE EntityDescriptor, re-declaring the namespaces in scope on it so it parses standalone; only that small piece is
// then handed to `parseIdpMetadata`. DOCTYPEs are refused (as everywhere else), comments, CDATA and processing
// instructions are skipped (kept verbatim inside the extracted piece), quoted attribute values may contain '>'.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../errors.ts';
import { NS } from '../util/xml.ts';
import type { EntitySummary, MetadataOverview } from './metadata.ts';

const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const MDUI = 'urn:oasis:names:tc:SAML:metadata:ui';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
/** A single tag (or comment, CDATA section…) longer than this is refused rather than buffered without end. */
const MAX_TOKEN_CHARS = 8 * 1024 * 1024;

export interface StreamScanOptions {
  /** The source's size in bytes when known (a file's size, an upload's Content-Length): for progress. */
  total?: number | null;
  /** Cut out the EntityDescriptor with this entityID (as a standalone document) into `extracted`. */
  extract?: string;
  /** Called as bytes are read (at most ~100 times per source, and once at the end). */
  onProgress?: (bytes: number, total: number | null) => void;
  /** Refuse sources larger than this many bytes. */
  maxBytes?: number;
}

export interface StreamScan extends MetadataOverview {
  /** Bytes read from the source. */
  bytes: number;
  /** The picked EntityDescriptor as a standalone XML document, or null when no `extract` was asked. */
  extracted: string | null;
  /** True when the root element carries a ds:Signature (which covers the whole file: it cannot be checked on a piece). */
  rootSigned: boolean;
}

/** Reads a metadata document from a stream of bytes without building a DOM of it. Throws LabError('invalid-metadata'). */
export async function scanMetadataStream(source: AsyncIterable<Uint8Array | string>, options: StreamScanOptions = {}): Promise<StreamScan> {
  const total = options.total ?? null;
  const scanner = new Scanner(options.extract);
  let decoder: TextDecoder | null = null;
  let bytes = 0;
  let reported = 0;
  const step = Math.max(256 * 1024, total ? Math.floor(total / 100) : 0);
  for await (const chunk of source) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (decoder === null) decoder = pickDecoder(data);
    bytes += data.length;
    if (options.maxBytes !== undefined && bytes > options.maxBytes) {
      throw invalid(`The metadata is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB, which this app does not read.`);
    }
    let text: string;
    try {
      text = decoder.decode(data, { stream: true });
    } catch {
      throw invalid('The file is not UTF-8 (or UTF-16) text, so it is not XML metadata. Is it a binary file renamed .xml?');
    }
    scanner.feed(text, false);
    if (options.onProgress && bytes - reported >= step) {
      reported = bytes;
      options.onProgress(bytes, total);
    }
  }
  let rest = '';
  try {
    rest = decoder?.decode() ?? '';
  } catch {
    throw invalid('The file ends in the middle of a UTF-8 character: it is truncated or not text.');
  }
  scanner.feed(rest, true);
  options.onProgress?.(bytes, total);
  return { ...scanner.finish(), bytes };
}

function pickDecoder(first: Uint8Array): TextDecoder {
  const head = Buffer.from(first.subarray(0, 8)).toString('latin1');
  if (head.startsWith('%PDF-')) throw invalid('This is a PDF file, not XML metadata. Download the metadata XML itself (often a "Download metadata" or "Federation metadata" link), not a printout of it.');
  if (head.startsWith('PK\u0003\u0004')) throw invalid('This is a ZIP archive (or an Office document), not XML metadata. Extract the metadata .xml file first.');
  if (first[0] === 0xff && first[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true });
  if (first[0] === 0xfe && first[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true });
  // TextDecoder drops a leading UTF-8 (or UTF-16) BOM itself (ignoreBOM defaults to false).
  return new TextDecoder('utf-8', { fatal: true });
}

// ---------------------------------------------------------------------------------------------------------------

/** One open element. `decls` holds only the namespace declarations made on it. */
interface Frame {
  qname: string;
  uri: string | null;
  local: string;
  decls: Map<string, string> | null;
  role: Role;
}

type Role = 'none' | 'root' | 'entity' | 'idp' | 'extensions' | 'uiinfo' | 'ui-name' | 'org' | 'org-name';

interface EntityState {
  entityId: string;
  idpSeen: boolean;
  extensionsSeen: boolean;
  uiInfoSeen: boolean;
  orgSeen: boolean;
  uiNames: { lang: string | null; text: string }[];
  orgNames: { lang: string | null; text: string }[];
  signed: boolean;
  hasValidUntil: boolean;
  hasCacheDuration: boolean;
}

const START_TAG = /<([^\s/>!?"'=<]+)((?:\s+[^\s/>"'=<]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([^\s/>"'=<]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
/** Local names whose attributes or text the scanner needs; every other element is only pushed and popped. */
const INTERESTING = new Set(['EntitiesDescriptor', 'EntityDescriptor', 'IDPSSODescriptor', 'Extensions', 'UIInfo', 'DisplayName', 'Organization', 'OrganizationDisplayName', 'Signature']);

class Scanner {
  private buf = '';
  private pos = 0;
  /** Characters consumed before `buf` (for error positions). */
  private offset = 0;
  private readonly stack: Frame[] = [];
  private rootSeen = false;
  private rootClosed = false;
  private kind: 'entity' | 'aggregate' = 'entity';
  private name: string | null = null;
  private rootSigned = false;
  private rootValidUntil: string | null = null;
  private rootCacheDuration: string | null = null;
  private readonly idps: EntitySummary[] = [];
  private entityCount = 0;
  private entity: EntityState | null = null;
  private entityDepth = -1;
  /** Raw text of the element being captured (a display name). */
  private text: string | null = null;
  private textLang: string | null = null;
  // Extraction of one EntityDescriptor.
  private readonly target: string | undefined;
  private extracting = false;
  private extractDepth = -1;
  private extractHead = '';
  private extractHeadNameEnd = 0;
  private readonly extractParts: string[] = [];
  private extractFrom = 0;
  private extracted: string | null = null;

  constructor(target: string | undefined) {
    this.target = target;
  }

  feed(chunk: string, final: boolean): void {
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + chunk : chunk;
    this.offset += this.pos;
    this.pos = 0;
    this.extractFrom = 0;
    this.run(final);
    if (this.extracting) this.extractParts.push(this.buf.slice(this.extractFrom, this.pos));
    if (final && this.pos < this.buf.length) throw this.truncated();
  }

  finish(): Omit<StreamScan, 'bytes'> {
    if (!this.rootSeen) throw invalid('The metadata is empty.');
    if (!this.rootClosed) throw this.truncated();
    if (this.target !== undefined && this.extracted === null) {
      const some = this.idps.slice(0, 5).map((i) => i.entityId);
      throw invalid(`The metadata has no entity with entityID "${this.target}"${some.length ? ` (its IdPs include ${some.join(', ')})` : ''}.`);
    }
    return { kind: this.kind, name: this.name, idps: this.idps, entityCount: this.entityCount, extracted: this.extracted, rootSigned: this.rootSigned };
  }

  private run(final: boolean): void {
    const buf = this.buf;
    for (;;) {
      const lt = buf.indexOf('<', this.pos);
      const textEnd = lt === -1 ? buf.length : lt;
      if (textEnd > this.pos) this.onText(this.pos, textEnd);
      this.pos = textEnd;
      if (lt === -1) return;
      if (buf.length - lt < 9 && !final) return; // too short to tell '<![CDATA[' from '<!--' yet
      const c1 = buf.charCodeAt(lt + 1);
      if (c1 === 0x21 /* ! */) {
        if (buf.startsWith('<!--', lt)) {
          if (!this.skipTo('-->', lt + 4, final, 'a comment')) return;
        } else if (buf.startsWith('<![CDATA[', lt)) {
          const end = buf.indexOf(']]>', lt + 9);
          if (end === -1) return this.waitOrFail(final, 'a CDATA section');
          if (this.stack.length === 0) throw this.malformed('CDATA outside the root element');
          if (this.text !== null) this.text += buf.slice(lt + 9, end).replace(/&/g, '&amp;'); // decoded with the text
          this.pos = end + 3;
        } else if (/^<!doctype\s+html/i.test(buf.slice(lt, lt + 20))) {
          throw invalid('This is an HTML page, not SAML metadata (a login page or an error page?). Download the metadata XML itself.');
        } else if (/^<!doctype/i.test(buf.slice(lt, lt + 9))) {
          throw invalid('The metadata declares a DOCTYPE, which SAML metadata never needs (it is how entity-expansion attacks start). Refused.');
        } else {
          throw this.malformed(`unexpected "${buf.slice(lt, lt + 9)}"`);
        }
      } else if (c1 === 0x3f /* ? */) {
        if (!this.skipTo('?>', lt + 2, final, 'a processing instruction')) return;
      } else if (c1 === 0x2f /* / */) {
        const end = buf.indexOf('>', lt + 2);
        if (end === -1) return this.waitOrFail(final, 'an end tag');
        this.pos = end + 1;
        this.endElement(buf.slice(lt + 2, end).trimEnd());
      } else {
        START_TAG.lastIndex = lt;
        const m = START_TAG.exec(buf);
        if (m === null) {
          if (buf.indexOf('<', lt + 1) === -1) {
            if (final) throw this.truncated();
            if (buf.length - lt < MAX_TOKEN_CHARS) return;
          }
          throw this.malformed(`a start tag that is not well-formed: ${JSON.stringify(buf.slice(lt, lt + 80))}`);
        }
        this.pos = START_TAG.lastIndex;
        this.startElement(m[1]!, m[2]!, m[3] === '/', lt);
      }
    }
  }

  /** Moves past `end` (a comment's or PI's end); false when it is not in the buffer yet. */
  private skipTo(end: string, from: number, final: boolean, what: string): boolean {
    const at = this.buf.indexOf(end, from);
    if (at === -1) {
      this.waitOrFail(final, what);
      return false;
    }
    this.pos = at + end.length;
    return true;
  }

  private waitOrFail(final: boolean, what: string): void {
    if (final) throw this.truncated();
    if (this.buf.length - this.pos > MAX_TOKEN_CHARS) throw this.malformed(`${what} longer than ${MAX_TOKEN_CHARS / 1024 / 1024} MB`);
  }

  private onText(from: number, to: number): void {
    if (this.text !== null) {
      this.text += this.buf.slice(from, to);
    } else if (this.stack.length === 0) {
      const text = this.buf.slice(from, to);
      if (/\S/.test(text.replace(/^\uFEFF/, ''))) {
        if (!this.rootSeen) throw invalid('This is not XML: IdP metadata is an XML document starting with "<" (for example <EntityDescriptor …>).');
        throw this.malformed('text after the root element');
      }
    }
  }

  private startElement(qname: string, attrText: string, selfClosing: boolean, tagStart: number): void {
    if (this.stack.length === 0) {
      if (this.rootClosed) {
        throw invalid('The metadata is not well-formed XML: it has more than one top-level element (two documents pasted one after the other?). Keep exactly one EntityDescriptor or EntitiesDescriptor.');
      }
    }
    const colon = qname.indexOf(':');
    const local = colon === -1 ? qname : qname.slice(colon + 1);
    const interesting = INTERESTING.has(local);
    const attrs = interesting || attrText.includes('xmlns') ? parseAttributes(attrText) : null;
    let decls: Map<string, string> | null = null;
    if (attrs !== null) {
      for (const [name, value] of attrs) {
        if (name === 'xmlns') (decls ??= new Map()).set('', value);
        else if (name.startsWith('xmlns:')) (decls ??= new Map()).set(name.slice(6), value);
      }
    }
    const frame: Frame = { qname, uri: null, local, decls, role: 'none' };
    this.stack.push(frame);
    frame.uri = this.resolve(colon === -1 ? '' : qname.slice(0, colon));
    if (this.stack.length === 1) this.onRoot(frame, attrs, tagStart);
    else if (interesting && attrs !== null) this.onInteresting(frame, attrs, tagStart);
    if (selfClosing) this.endElement(qname);
  }

  private resolve(prefix: string): string | null {
    if (prefix === 'xml') return XML_NS;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const uri = this.stack[i]!.decls?.get(prefix);
      if (uri !== undefined) return uri === '' ? null : uri;
    }
    if (prefix === '') return null;
    throw this.malformed(`the namespace prefix "${prefix}" is not declared`);
  }

  private onRoot(frame: Frame, attrs: Map<string, string> | null, tagStart: number): void {
    this.rootSeen = true;
    frame.role = 'root';
    if (/^html$/i.test(frame.local)) throw invalid('This is an HTML page, not SAML metadata (a login page or an error page?). Download the metadata XML itself.');
    if (frame.local !== 'EntityDescriptor' && frame.local !== 'EntitiesDescriptor') {
      if (frame.uri === NS.samlp || frame.uri === NS.saml) throw invalid(`This is a SAML message (<${frame.qname}>), not metadata. Import the IdP's metadata document (EntityDescriptor).`);
      throw invalid(`The root element is <${frame.qname}>, not a SAML metadata EntityDescriptor or EntitiesDescriptor.`);
    }
    if (frame.uri !== NS.md) {
      throw invalid(`The root element <${frame.qname}> is in ${frame.uri ? `the namespace ${frame.uri}` : 'no namespace'}, not the SAML 2.0 metadata namespace ${NS.md}: add xmlns="${NS.md}" to it.`);
    }
    if (frame.local === 'EntitiesDescriptor') {
      this.kind = 'aggregate';
      this.name = attrs?.get('Name') ?? null;
      this.rootValidUntil = attrs?.get('validUntil') ?? null;
      this.rootCacheDuration = attrs?.get('cacheDuration') ?? null;
    } else {
      this.kind = 'entity';
      this.beginEntity(frame, attrs ?? new Map(), tagStart);
    }
  }

  private onInteresting(frame: Frame, attrs: Map<string, string>, tagStart: number): void {
    const parent = this.stack[this.stack.length - 2]!;
    const entity = this.entity;
    if (frame.uri === NS.md) {
      switch (frame.local) {
        case 'EntityDescriptor':
          if (entity === null) this.beginEntity(frame, attrs, tagStart);
          return;
        case 'IDPSSODescriptor':
          if (parent.role === 'entity' && entity !== null && !entity.idpSeen && (attrs.get('protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL)) {
            entity.idpSeen = true;
            frame.role = 'idp';
          }
          return;
        case 'Extensions':
          if (parent.role === 'idp' && entity !== null && !entity.extensionsSeen) {
            entity.extensionsSeen = true;
            frame.role = 'extensions';
          }
          return;
        case 'Organization':
          if (parent.role === 'entity' && entity !== null && !entity.orgSeen) {
            entity.orgSeen = true;
            frame.role = 'org';
          }
          return;
        case 'OrganizationDisplayName':
          if (parent.role === 'org') this.beginText(frame, 'org-name', attrs);
          return;
        default:
          return;
      }
    }
    if (frame.uri === MDUI) {
      if (frame.local === 'UIInfo' && parent.role === 'extensions' && entity !== null && !entity.uiInfoSeen) {
        entity.uiInfoSeen = true;
        frame.role = 'uiinfo';
      } else if (frame.local === 'DisplayName' && parent.role === 'uiinfo') {
        this.beginText(frame, 'ui-name', attrs);
      }
      return;
    }
    if (frame.uri === NS.ds && frame.local === 'Signature') {
      if (this.stack.length === 2) this.rootSigned = true;
      if (parent.role === 'entity' && entity !== null) entity.signed = true;
    }
  }

  private beginEntity(frame: Frame, attrs: Map<string, string>, tagStart: number): void {
    frame.role = 'entity';
    this.entityCount++;
    this.entityDepth = this.stack.length;
    const entityId = attrs.get('entityID') ?? '';
    this.entity = {
      entityId,
      idpSeen: false,
      extensionsSeen: false,
      uiInfoSeen: false,
      orgSeen: false,
      uiNames: [],
      orgNames: [],
      signed: false,
      hasValidUntil: attrs.has('validUntil'),
      hasCacheDuration: attrs.has('cacheDuration'),
    };
    if (this.target !== undefined && this.extracted === null && !this.extracting && entityId === this.target) this.beginExtract(frame, tagStart);
  }

  private beginText(frame: Frame, role: Role, attrs: Map<string, string>): void {
    frame.role = role;
    this.text = '';
    this.textLang = attrs.get('xml:lang') ?? null;
  }

  /** Starts copying at the entity's start tag, with every namespace in scope declared on it. */
  private beginExtract(frame: Frame, tagStart: number): void {
    const inScope = new Map<string, string>();
    for (let i = 0; i < this.stack.length - 1; i++) for (const [prefix, uri] of this.stack[i]!.decls ?? []) inScope.set(prefix, uri);
    for (const prefix of frame.decls?.keys() ?? []) inScope.delete(prefix);
    const added = [...inScope].map(([prefix, uri]) => ` ${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${escapeAttr(uri)}"`).join('');
    const nameEnd = tagStart + 1 + frame.qname.length;
    this.extractHead = this.buf.slice(tagStart, nameEnd) + added;
    this.extractHeadNameEnd = this.extractHead.length;
    this.extractParts.length = 0;
    this.extractFrom = nameEnd;
    this.extracting = true;
    this.extractDepth = this.stack.length;
  }

  private endElement(qname: string): void {
    const frame = this.stack.pop();
    if (frame === undefined) throw this.malformed(`an end tag </${qname}> without a start tag`);
    if (frame.qname !== qname) throw this.malformed(`the end tag </${qname}> does not match <${frame.qname}>`);
    switch (frame.role) {
      case 'ui-name':
      case 'org-name': {
        const text = decodeEntities(this.text ?? '').trim();
        if (text && this.entity !== null) (frame.role === 'ui-name' ? this.entity.uiNames : this.entity.orgNames).push({ lang: this.textLang, text });
        this.text = null;
        break;
      }
      default:
        break;
    }
    if (this.extracting && this.stack.length + 1 === this.extractDepth) this.endExtract();
    if (frame.role === 'entity' && this.stack.length + 1 === this.entityDepth) {
      const entity = this.entity!;
      if (entity.idpSeen) this.idps.push({ entityId: entity.entityId, displayName: pickName(entity.uiNames) ?? pickName(entity.orgNames) });
      this.entity = null;
      this.entityDepth = -1;
    }
    if (this.stack.length === 0) this.rootClosed = true;
  }

  private endExtract(): void {
    this.extractParts.push(this.buf.slice(this.extractFrom, this.pos));
    this.extracting = false;
    const entity = this.entity!;
    let head = this.extractHead;
    // validUntil / cacheDuration of the aggregate apply to its entities; carried over unless the entity is signed
    // itself (an added attribute would break its signature).
    if (!entity.signed) {
      let extra = '';
      if (this.rootValidUntil !== null && !entity.hasValidUntil) extra += ` validUntil="${escapeAttr(this.rootValidUntil)}"`;
      if (this.rootCacheDuration !== null && !entity.hasCacheDuration) extra += ` cacheDuration="${escapeAttr(this.rootCacheDuration)}"`;
      head = head.slice(0, this.extractHeadNameEnd) + extra + head.slice(this.extractHeadNameEnd);
    }
    this.extracted = head + this.extractParts.join('');
    this.extractParts.length = 0;
  }

  private malformed(what: string): LabError {
    return invalid(`The metadata is not well-formed XML: ${what} (near character ${this.offset + this.pos}).`);
  }

  private truncated(): LabError {
    return invalid(`The metadata is not well-formed XML: it ends before its root element is closed (truncated download or copy?)${this.stack.length ? `; <${this.stack[this.stack.length - 1]!.qname}> is still open` : ''}.`);
  }
}

function parseAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(text); m !== null; m = ATTRIBUTE.exec(text)) {
    // Attribute-value normalization as an XML parser does it: line ends and tabs become spaces, then references.
    out.set(m[1]!, decodeEntities((m[2] ?? m[3] ?? '').replace(/\r\n?|[\n\t]/g, ' ')));
  }
  return out;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return NAMED[ref] ?? whole;
  });
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/** English first, else the first non-empty name (as `overviewMetadata` picks). */
function pickName(names: { lang: string | null; text: string }[]): string | null {
  return (names.find((n) => n.lang?.toLowerCase().startsWith('en')) ?? names[0])?.text ?? null;
}

function invalid(message: string): LabError {
  return new LabError('invalid-metadata', message);
}

// ---------------------------------------------------------------------------------------------------------------

/** Files up to this size are read whole and parsed as before (the stored profile keeps the whole document, so its
 * aggregate signature and validUntil stay checkable); larger ones are streamed. */
export const STREAM_THRESHOLD_BYTES = 4 * 1024 * 1024;
/** The largest metadata file the streaming path reads. */
export const MAX_METADATA_FILE_BYTES = 500 * 1024 * 1024;

/** Streams a metadata file; a missing or unreadable file is an `invalid-input` LabError naming it. */
export async function scanMetadataFile(path: string, options: Omit<StreamScanOptions, 'total' | 'maxBytes'> = {}): Promise<StreamScan> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    return await scanMetadataStream(createReadStream(path, { highWaterMark: 1 << 16 }), { ...options, total: size, maxBytes: MAX_METADATA_FILE_BYTES });
  } catch (error) {
    if (error instanceof LabError) throw error;
    throw unreadable(path, error);
  }
}

/** Where `POST /api/upload/metadata` keeps an upload until idp.importUpload takes it. */
export function metadataUploadPath(dataDir: string, token: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token)) throw new LabError('invalid-input', 'The upload token is not valid.');
  return join(dataDir, 'uploads', `${token.toLowerCase()}.xml`);
}

function unreadable(path: string, error: unknown): LabError {
  const code = (error as { code?: string }).code;
  const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
  return new LabError('invalid-input', `The file ${path} could not be read: ${why}.`);
}
