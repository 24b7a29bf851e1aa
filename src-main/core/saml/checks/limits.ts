// Hard limits (checked before parsing; a document over one is never parsed) and the size other stacks would refuse.
import type { Check } from '../../../contract/index.ts';
import type { ResponseContext, ResponseLimits } from '../context.ts';
import type { CheckModule, CheckOutcome } from './check.ts';
import { fail, pass, warn } from './check.ts';

const LIMIT_TEXT: Record<keyof ResponseLimits, { what: string; hint: string }> = {
  responseBytes: {
    what: 'bytes (decoded)',
    hint: 'Real IdP responses are far smaller (1,000 groups make ~300 KB). Refused unread: a post this large is an attack or a misconfiguration. If it is real, send fewer attributes or groups (group filtering, app roles).',
  },
  elements: {
    what: 'elements',
    hint: 'A SAML response has tens to a few thousand elements. Refused before parsing. If the IdP really sends this many values, filter the groups or attributes it releases to this SP.',
  },
  depth: {
    what: 'levels of nesting',
    hint: 'A SAML response nests about 12 levels deep. Refused before parsing: deep nesting only serves to stall XML processing.',
  },
  attributes: {
    what: 'saml:Attribute elements',
    hint: 'IdPs release tens of attributes (multi-valued ones such as groups are values of one attribute). Refused before parsing. Release only the attributes this SP needs.',
  },
  xmlAttributesPerElement: {
    what: 'XML attributes on one element',
    hint: 'SAML elements carry a handful of XML attributes and namespace declarations. Refused before parsing.',
  },
};

function limitCheck(id: string, title: string, limit: keyof ResponseLimits, measured: (ctx: ResponseContext) => number | null): CheckModule {
  return {
    id,
    title,
    run: (ctx): CheckOutcome | null => {
      const max = ctx.policy.limits[limit];
      const t = LIMIT_TEXT[limit];
      if (limit === 'responseBytes') return ctx.decodedBytes === null ? null : responseBytesOutcome(ctx.decodedBytes, max);
      if (!ctx.scan) return null;
      if (ctx.scan.exceeded?.limit === limit) return fail(`at most ${max} ${t.what}`, `more than ${max} ${t.what} (counting stopped there)`, t.hint);
      // Once one limit stopped the scan, the later counts are incomplete: say nothing about them.
      if (ctx.scan.exceeded) return null;
      const value = measured(ctx);
      return value === null ? null : pass(`at most ${max} ${t.what}`, `${value} ${t.what}`);
    },
  };
}

export const responseBytesLimitCheck = limitCheck('limits.response-bytes', 'Response size within the hard limit', 'responseBytes', (ctx) => ctx.decodedBytes);

function responseBytesOutcome(bytes: number, max: number): CheckOutcome {
  const t = LIMIT_TEXT.responseBytes;
  return bytes > max ? fail(`at most ${max} ${t.what}`, `${bytes} ${t.what}`, t.hint) : pass(`at most ${max} ${t.what}`, `${bytes} ${t.what}`);
}

/** limits.response-bytes for a response of `bytes` decoded bytes, as verifying it would report it (the listener
 * refuses an oversized SAMLResponse field before decoding it, listener/saml-routes.ts). */
export function responseBytesCheck(bytes: number, max: number): Check {
  return { id: responseBytesLimitCheck.id, title: responseBytesLimitCheck.title, ...responseBytesOutcome(bytes, max) };
}
export const elementsLimitCheck = limitCheck('limits.elements', 'Element count within the hard limit', 'elements', (ctx) => ctx.scan?.elements ?? null);
export const depthLimitCheck = limitCheck('limits.depth', 'Nesting depth within the hard limit', 'depth', (ctx) => ctx.scan?.maxDepth ?? null);
export const attributesLimitCheck = limitCheck('limits.attributes', 'Attribute count within the hard limit', 'attributes', (ctx) => ctx.scan?.attributes ?? null);
export const xmlAttributesLimitCheck = limitCheck('limits.xml-attributes', 'XML attributes per element within the hard limit', 'xmlAttributesPerElement', (ctx) => ctx.scan?.maxXmlAttributes ?? null);

/**
 * Default limits of stacks that sit between the browser and an SP, for a SAMLResponse posted as a form. `measure`
 * says what the limit counts: the whole urlencoded form body, or the SAMLResponse field's value (base64, before URL
 * decoding). Sources are cited per row; README's limits table repeats them.
 */
export interface DownstreamLimit {
  stack: string;
  bytes: number;
  measure: 'form' | 'field';
  source: string;
}

export const DOWNSTREAM_LIMITS: readonly DownstreamLimit[] = [
  // body-parser README, option `limit` ("Defaults to '100kb'"), used by express.urlencoded(): the usual front of a
  // passport-saml / node-saml ACS route.
  { stack: 'Express body-parser urlencoded (passport-saml / node-saml apps)', bytes: 100 * 1024, measure: 'form', source: 'https://github.com/expressjs/body-parser#limit' },
  // Keycloak PR #27035 (Feb 2024, Keycloak 24) set quarkus.http.limits.max-form-attribute-size to 128 KB after
  // Keycloak 23 refused SAMLResponses over Quarkus' 2,048-byte default with 413 (keycloak/keycloak#26330).
  { stack: 'Keycloak 24+ (Quarkus max-form-attribute-size) as a SAML broker', bytes: 128 * 1024, measure: 'field', source: 'https://github.com/keycloak/keycloak/pull/27035' },
  // Jetty's documented default maxFormContentSize: 200,000 bytes ("Form too large").
  { stack: 'Jetty (maxFormContentSize)', bytes: 200_000, measure: 'form', source: 'https://docs.huihoo.com/jetty/the-definitive-reference/configuring-form-size.html' },
  // ruby-saml 1.x settings DEFAULTS message_max_bytesize: 250_000, compared with the base64 SAMLResponse
  // (saml_message.rb decode_raw_saml: "Encoded SAML Message exceeds 250000 bytes, so was rejected").
  { stack: 'ruby-saml (GitLab, omniauth-saml): message_max_bytesize', bytes: 250_000, measure: 'field', source: 'ruby-saml lib/onelogin/ruby-saml/settings.rb DEFAULTS' },
  // Tomcat HTTP connector maxPostSize default 2097152 (2 MB).
  { stack: 'Apache Tomcat (maxPostSize)', bytes: 2 * 1024 * 1024, measure: 'form', source: 'https://tomcat.apache.org/tomcat-9.0-doc/config/http.html' },
];

/** The SAMLResponse field as base64 and the form body as URL-encoded, estimated from the decoded size when not known. */
function postedSizes(ctx: ResponseContext): { field: number; form: number; estimated: boolean } | null {
  if (ctx.decodedBytes === null) return null;
  if (ctx.input.isXml) {
    const field = Math.ceil(ctx.decodedBytes / 3) * 4;
    // URL encoding turns '+', '/' and '=' into 3 bytes each: about 2 in 64 base64 characters are '+' or '/'.
    return { field, form: ctx.input.postedFormBytes ?? Math.ceil(field * (1 + 4 / 64)) + 'SAMLResponse='.length, estimated: ctx.input.postedFormBytes == null };
  }
  const field = ctx.input.samlResponse.length;
  const specials = countUrlSpecials(ctx.input.samlResponse);
  return { field, form: ctx.input.postedFormBytes ?? field + 2 * specials + 'SAMLResponse='.length, estimated: ctx.input.postedFormBytes == null };
}

function countUrlSpecials(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b || c === 0x2f || c === 0x3d) n++;
  }
  return n;
}

export const responseSizeCheck: CheckModule = {
  id: 'response.size',
  title: 'Small enough for common SP stacks',
  run: (ctx) => {
    const sizes = postedSizes(ctx);
    if (!sizes || !ctx.decoded.ok) return null;
    const smallest = Math.min(...DOWNSTREAM_LIMITS.map((l) => l.bytes));
    const expected = `form under ${smallest} bytes (the smallest common default: ${DOWNSTREAM_LIMITS.find((l) => l.bytes === smallest)?.stack})`;
    const received = `${ctx.decodedBytes} bytes decoded, SAMLResponse ${sizes.field} bytes, form ${sizes.estimated ? '~' : ''}${sizes.form} bytes`;
    const refusing = DOWNSTREAM_LIMITS.filter((l) => (l.measure === 'form' ? sizes.form : sizes.field) > l.bytes);
    if (refusing.length === 0) return pass(expected, received);
    return warn(expected, received,
      `Stacks that refuse a post this large by default: ${refusing.map((l) => `${l.stack} (${l.bytes} bytes)`).join('; ')}. ` +
      'Shrink the response (release fewer attributes, filter groups or use app roles, avoid embedding the certificate chain), or raise that limit in front of your SP.');
  },
};
