// Builds and signs SAML Responses the way an IdP does (samlify as the IdP signs them). Used by the built-in demo
// IdP, and by the tests, which sign their own responses with a frozen clock.
import { randomBytes } from 'node:crypto';
import type { KeyPair } from '../sp/keys.ts';
import { escapeXml } from '../util/xml.ts';
import { samlify } from '../saml/samlify.ts';
import { encryptAssertion } from '../saml/xmlenc.ts';
import { certBase64 } from '../util/cert.ts';

export type SigningMode = 'both' | 'assertion' | 'response' | 'none';

export interface ResponseSpec {
  idpEntityId: string;
  idpKeys: KeyPair;
  spEntityId: string;
  acsUrl: string;
  nameId: string;
  nameIdFormat: string;
  attributes: Record<string, string[]>;
  inResponseTo?: string | null;
  now: Date;
  lifetimeSeconds?: number;
  /** The AuthnStatement's SessionIndex (default: a new ID); the demo IdP remembers it for Single Logout. */
  sessionIndex?: string;
  signing?: SigningMode;
  /** Signature algorithm URI (default RSA-SHA256). */
  signatureAlgorithm?: string;
  /** Encrypt the assertion for this SP certificate (PEM): sign the assertion, encrypt it, then sign the Response.
   * `encrypt` replaces the SP module's encryptor (the demo IdP brings its own, see assertion-encrypt.ts). */
  encryptFor?: { certificatePem: string; contentAlgorithm?: string; keyAlgorithm?: string; encrypt?: (assertionXml: string) => string };
  /** Attributes appended after `attributes`, in order, names repeated as given (ambiguous-attribute scenarios). */
  extraAttributes?: { name: string; values: string[] }[];
  /** For tests that need a response that is wrong in one precise way. */
  overrides?: Partial<{
    responseId: string;
    assertionId: string;
    destination: string | null;
    audience: string;
    recipient: string;
    issuer: string;
    statusCode: string;
    /** A second-level StatusCode inside the top-level one. */
    statusSubCode: string;
    statusMessage: string;
    notBefore: Date;
    notOnOrAfter: Date;
  }>;
}

export function newSamlId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

export function responseXml(spec: ResponseSpec): string {
  const o = spec.overrides ?? {};
  const now = spec.now.toISOString();
  const lifetime = (spec.lifetimeSeconds ?? 300) * 1000;
  const notBefore = (o.notBefore ?? new Date(spec.now.getTime() - 30_000)).toISOString();
  const notOnOrAfter = (o.notOnOrAfter ?? new Date(spec.now.getTime() + lifetime)).toISOString();
  const issuer = escapeXml(o.issuer ?? spec.idpEntityId);
  const irt = spec.inResponseTo ? ` InResponseTo="${escapeXml(spec.inResponseTo)}"` : '';
  const destination = o.destination === null ? '' : ` Destination="${escapeXml(o.destination ?? spec.acsUrl)}"`;
  const attributes = [...Object.entries(spec.attributes), ...(spec.extraAttributes ?? []).map((a) => [a.name, a.values] as const)]
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
        values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`).join('') +
        '</saml:Attribute>',
    )
    .join('');
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ` +
    `ID="${o.responseId ?? newSamlId()}" Version="2.0" IssueInstant="${now}"${destination}${irt}>` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(o.statusCode ?? 'urn:oasis:names:tc:SAML:2.0:status:Success')}"` +
    (o.statusSubCode ? `><samlp:StatusCode Value="${escapeXml(o.statusSubCode)}"/></samlp:StatusCode>` : '/>') +
    (o.statusMessage ? `<samlp:StatusMessage>${escapeXml(o.statusMessage)}</samlp:StatusMessage>` : '') +
    `</samlp:Status>` +
    // The Assertion declares the saml namespace itself (as SimpleSAMLphp's does): encrypted, it is decrypted and
    // parsed on its own by SPs such as node-saml, and an undeclared prefix then breaks its signature there.
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `ID="${o.assertionId ?? newSamlId()}" Version="2.0" IssueInstant="${now}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${escapeXml(spec.nameIdFormat)}">${escapeXml(spec.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${escapeXml(o.recipient ?? spec.acsUrl)}"${irt}/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}">` +
    `<saml:AudienceRestriction><saml:Audience>${escapeXml(o.audience ?? spec.spEntityId)}</saml:Audience></saml:AudienceRestriction>` +
    `</saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now}" SessionIndex="${escapeXml(spec.sessionIndex ?? newSamlId())}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>` +
    `</saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion></samlp:Response>`
  );
}

/** The response XML, signed as `spec.signing` says (default: Response and Assertion, like SimpleSAMLphp). */
export async function buildSignedResponse(spec: ResponseSpec): Promise<string> {
  const signing = spec.signing ?? 'both';
  if (!spec.encryptFor) return sign(responseXml(spec), spec, signing);
  // Sign the assertion first (if asked), then encrypt it, then sign the Response over the ciphertext.
  const signAssertion = signing === 'both' || signing === 'assertion';
  let xml = signAssertion ? await sign(responseXml(spec), spec, 'assertion') : responseXml(spec);
  const assertion = xml.match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0];
  const encrypt = spec.encryptFor.encrypt ?? ((plain: string) => encryptAssertion(plain, spec.encryptFor!.certificatePem, spec.encryptFor));
  xml = xml.replace(assertion, () => encrypt(assertion));
  if (signing === 'both' || signing === 'response') {
    xml = samlify.SamlLib.constructSAMLSignature({
      rawSamlMessage: xml,
      isBase64Output: false,
      isMessageSigned: true,
      privateKey: spec.idpKeys.privateKeyPem,
      signingCert: certBase64(spec.idpKeys.certificatePem),
      signatureAlgorithm: spec.signatureAlgorithm ?? RSA_SHA256,
      signatureConfig: { prefix: 'ds', location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: 'after' } },
    });
  }
  return xml;
}

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

async function sign(xml: string, spec: ResponseSpec, signing: SigningMode): Promise<string> {
  if (signing === 'none') return xml;
  const idp = samlify.IdentityProvider({
    entityID: spec.idpEntityId,
    privateKey: spec.idpKeys.privateKeyPem,
    signingCert: spec.idpKeys.certificatePem,
    requestSignatureAlgorithm: spec.signatureAlgorithm ?? RSA_SHA256,
    singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: 'http://127.0.0.1/demo-idp/sso' }],
    singleLogoutService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: 'http://127.0.0.1/demo-idp/slo' }],
    nameIDFormat: [spec.nameIdFormat],
  });
  const sp = samlify.ServiceProvider({
    entityID: spec.spEntityId,
    assertionConsumerService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: spec.acsUrl }],
    wantAssertionsSigned: signing !== 'response',
    wantMessageSigned: signing !== 'assertion',
  });
  const result = await idp.createLoginResponse(sp, { extract: {} }, 'post', {}, () => ({ id: '', context: xml }));
  return Buffer.from(result.context, 'base64').toString('utf8');
}
