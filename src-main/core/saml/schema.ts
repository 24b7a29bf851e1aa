// SAML 2.0 schema validation, offline. libxml2 (compiled to WebAssembly, `libxml2-wasm`) validates against the same
// XSD files samlify-validator-js ships (protocol → assertion → xmldsig, xenc), compiled ONCE into an XsdValidator:
// a validation then costs ~0.1 ms instead of the ~14 ms samlify-validator-js spends re-creating its asm.js xmllint
// and re-parsing the four schemas on every call. The answer is the one xmllint gives (schema.test.ts checks this
// against samlify-validator-js's xmllint on the corpus and on mutated responses): libxml2's first message, in
// xmllint's words, and any parser warning counts as a failure, as it did there.
import { createRequire } from 'node:module';
import { XmlDocument, XmlLibError, XsdValidator, xmlRegisterInputProvider, type ErrorDetail } from 'libxml2-wasm';

const requireCjs = createRequire(import.meta.url);

/** The schema files by the virtual path libxml2 asks for (imports resolve relative to the protocol schema's URL). */
const SCHEMA_DIR = '/saml-jit-lab-xsd/';
const SCHEMA_FILES = ['saml-schema-protocol-2.0.xsd', 'saml-schema-assertion-2.0.xsd', 'xmldsig-core-schema.xsd', 'xenc-schema.xsd'];

let validator: XsdValidator | null = null;

function load(): XsdValidator {
  if (validator) return validator;
  const files = new Map<string, Buffer>();
  for (const name of SCHEMA_FILES) {
    const text = (requireCjs(`samlify-validator-js/build/schemas/${name}`) as { default: string }).default;
    files.set(SCHEMA_DIR + name, Buffer.from(text, 'utf8'));
  }
  // Serves only these four paths from memory; libxml2 never touches the file system or the network for them.
  const open = new Map<number, { bytes: Buffer; at: number }>();
  let nextFd = 1;
  xmlRegisterInputProvider({
    match: (name) => files.has(name),
    open: (name) => {
      const bytes = files.get(name);
      if (!bytes) return undefined;
      const fd = nextFd++;
      open.set(fd, { bytes, at: 0 });
      return fd;
    },
    read: (fd, buf) => {
      const file = open.get(fd as number);
      if (!file) return -1;
      const n = Math.min(buf.byteLength, file.bytes.length - file.at);
      buf.set(file.bytes.subarray(file.at, file.at + n));
      file.at += n;
      return n;
    },
    close: (fd) => open.delete(fd as number),
  });
  const root = SCHEMA_DIR + SCHEMA_FILES[0]!;
  // The schema document stays alive with the validator (libxml2 keeps pointers into it).
  const xsd = XmlDocument.fromBuffer(files.get(root)!, { url: root });
  validator = XsdValidator.fromDoc(xsd);
  return validator;
}

/** Returns null when the document is schema-valid, else libxml2's first message. */
export function schemaProblem(xml: string): string | null {
  const v = load();
  let doc: XmlDocument;
  try {
    // Bytes, not a string: libxml2 then honours the XML declaration's encoding, as xmllint reading a file does.
    doc = XmlDocument.fromBuffer(Buffer.from(xml, 'utf8'));
  } catch (error) {
    return describe(error, 'error');
  }
  try {
    const warning = doc.warnings[0];
    if (warning) return describeDetail(warning, 'warning');
    v.validate(doc);
    return null;
  } catch (error) {
    return describe(error, 'error');
  } finally {
    doc.dispose();
  }
}

function describe(error: unknown, level: 'error' | 'warning'): string {
  const detail = error instanceof XmlLibError ? error.details[0] : undefined;
  if (detail) return describeDetail(detail, level);
  return clean(error instanceof Error ? error.message : String(error));
}

/** xmllint's wording: "element NAME: Schemas validity error : …" or "parser error : …", namespaces stripped. */
function describeDetail(detail: ErrorDetail, level: 'error' | 'warning'): string {
  const message = firstLine(detail.message);
  const element = /^Element '(?:\{[^}]*\})?([^']+)'/.exec(message)?.[1];
  if (element) return clean(`element ${element}: Schemas validity ${level} : ${message}`);
  const domain = /^(Namespace |xmlns[\s:])/.test(message) ? 'namespace' : 'parser';
  return clean(`${domain} ${level} : ${message}`);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function clean(text: string): string {
  return text.replace(/\{[^}]+\}/g, '').trim();
}
