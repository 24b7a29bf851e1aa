// SAML 2.0 schema validation, offline, with samlify-validator-js (libxml2's xmllint compiled to JS). Its
// `validate` hides libxml2's messages, so we call the same xmllint with the same schemas to keep them.
import { createRequire } from 'node:module';

const requireCjs = createRequire(import.meta.url);

interface XmllintModule {
  validateXML(options: { xml: string; schema: string[] }): { errors: string[] | null };
}

let cached: { lint: XmllintModule; schemas: string[] } | null = null;

function load(): { lint: XmllintModule; schemas: string[] } {
  if (cached) return cached;
  const base = 'samlify-validator-js/build';
  const lint = requireCjs(`${base}/node-xmllint`) as XmllintModule;
  const text = (name: string): string => (requireCjs(`${base}/schemas/${name}`) as { default: string }).default;
  // The emscripten build names its virtual files file_0.xsd, file_1.xsd…, in the order they are passed.
  const proto = text('saml-schema-protocol-2.0.xsd')
    .replace('saml-schema-assertion-2.0.xsd', 'file_0.xsd')
    .replace('xmldsig-core-schema.xsd', 'file_1.xsd');
  const assertion = text('saml-schema-assertion-2.0.xsd')
    .replace('xmldsig-core-schema.xsd', 'file_1.xsd')
    .replace('xenc-schema.xsd', 'file_2.xsd');
  const xenc = text('xenc-schema.xsd').replace('xmldsig-core-schema.xsd', 'file_1.xsd');
  cached = { lint, schemas: [assertion, text('xmldsig-core-schema.xsd'), xenc, proto] };
  return cached;
}

/** Returns null when the document is schema-valid, else libxml2's first message. */
export function schemaProblem(xml: string): string | null {
  const { lint, schemas } = load();
  const result = lint.validateXML({ xml, schema: schemas });
  if (!result.errors || result.errors.length === 0) return null;
  return result.errors[0]!.replace(/^file_\d+\.xml:\d+:\s*/, '').replace(/\{[^}]+\}/g, '').trim();
}
