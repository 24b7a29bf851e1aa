// Generates a federation aggregate (EntitiesDescriptor) the way federations publish them, for the streaming-import
// tests and bench/aggregate-import.ts: IdPs with several KeyDescriptors (real certificates), mdui with display names
// in two languages, scopes, several SSO/SLO/artifact endpoints, an attribute authority, organisation and contacts;
// SPs in between; and the quirks a streaming reader must survive (prefixed and default namespaces, comments, CDATA,
// processing instructions, '>' inside quoted attribute values, entity references, a root signature).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { certBase64 } from '../util/cert.ts';

export interface AggregateSpec {
  idps: number;
  /** Service providers mixed in (one every idps/sps entities). */
  sps: number;
  /** Approximate size of the file in bytes (entities are padded with mdui:Description translations). */
  targetBytes: number;
  /** PEM certificates used in the KeyDescriptors (at least one). */
  certificatesPem: string[];
}

export interface GeneratedAggregate {
  path: string;
  bytes: number;
  /** The IdPs' entityIDs in document order, with the display name overviewMetadata should report. */
  idps: { entityId: string; displayName: string | null }[];
  entityCount: number;
}

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';

export function idpEntityId(i: number): string {
  return `https://idp${i}.uni-${i % 97}.example.edu/idp/shibboleth?a=1&b=${i}`;
}

/** Writes the aggregate to `path` without holding it in memory. */
export async function writeAggregate(path: string, spec: AggregateSpec): Promise<GeneratedAggregate> {
  const out = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  const certs = spec.certificatesPem.map((p) => certBase64(p));
  const entities = spec.idps + spec.sps;
  const perEntity = Math.max(0, Math.floor((spec.targetBytes - 2000) / Math.max(1, entities)));
  const spEvery = spec.sps > 0 ? Math.max(2, Math.floor(entities / spec.sps)) : Number.POSITIVE_INFINITY;
  const idps: GeneratedAggregate['idps'] = [];

  await write(
    '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generated federation aggregate: <EntityDescriptor> in a comment is not an entity -->\n' +
      `<md:EntitiesDescriptor xmlns:md="${MD}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" ` +
      'xmlns:shibmd="urn:mace:shibboleth:metadata:1.0" xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
      'xmlns:mdrpi="urn:oasis:names:tc:SAML:metadata:rpi" Name="urn:mace:example.org:federation" validUntil="2031-01-01T00:00:00Z" cacheDuration="PT6H" ID="agg">\n' +
      '  <md:Extensions><mdrpi:PublicationInfo publisher="https://federation.example.org" creationInstant="2030-01-01T00:00:00Z"/></md:Extensions>\n' +
      `  <ds:Signature><ds:SignedInfo><ds:Reference URI="#agg"/></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certs[0]}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>\n`,
  );
  let idpIndex = 0;
  let spIndex = 0;
  for (let n = 0; n < entities; n++) {
    const isSp = spIndex < spec.sps && n % spEvery === spEvery - 1;
    if (isSp) {
      await write(pad(spEntity(spIndex++, certs), perEntity));
      continue;
    }
    if (idpIndex >= spec.idps) {
      await write(pad(spEntity(spIndex++, certs), perEntity));
      continue;
    }
    const i = idpIndex++;
    const { xml, displayName } = idpEntity(i, certs);
    idps.push({ entityId: idpEntityId(i), displayName });
    await write(pad(xml, perEntity));
  }
  await write('</md:EntitiesDescriptor>\n');
  out.end();
  await once(out, 'finish');
  return { path, bytes, idps, entityCount: entities };
}

/** Pads an entity to about `size` bytes with mdui:Description translations (inside its UIInfo). */
function pad(xml: string, size: number): string {
  const missing = size - Buffer.byteLength(xml);
  if (missing <= 0 || !xml.includes('<!--PAD-->')) return xml.replace('<!--PAD-->', '');
  const line = (lang: number): string =>
    `\n          <mdui:Description xml:lang="x-${lang}">Identity provider for the staff and students of the university; use your campus account. Questions: the service desk.</mdui:Description>`;
  const unit = Buffer.byteLength(line(10));
  const count = Math.floor(missing / unit);
  let padding = '';
  for (let k = 0; k < count; k++) padding += line(10 + (k % 90));
  return xml.replace('<!--PAD-->', padding);
}

function keyDescriptor(use: string | null, cert: string, prefix: string): string {
  return `
      <${prefix}KeyDescriptor${use ? ` use="${use}"` : ''}>
        <ds:KeyInfo><ds:KeyName>key</ds:KeyName><ds:X509Data><ds:X509Certificate>
${cert.replace(/(.{64})/g, '$1\n')}
        </ds:X509Certificate></ds:X509Data></ds:KeyInfo>${use === 'encryption' ? `\n        <${prefix}EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/>` : ''}
      </${prefix}KeyDescriptor>`;
}

function idpEntity(i: number, certs: string[]): { xml: string; displayName: string | null } {
  const host = `idp${i}.uni-${i % 97}.example.edu`;
  const cert = (k: number): string => certs[(i + k) % certs.length]!;
  const style = i % 4; // 0: md: prefix, 1: default namespace, 2: other prefix declared on the entity, 3: CDATA + comments
  const p = style === 1 ? '' : style === 2 ? 'meta:' : 'md:';
  const decl = style === 1 ? ` xmlns="${MD}"` : style === 2 ? ` xmlns:meta="${MD}"` : '';
  const en = `University ${i} <Staff & Students>`;
  const enXml = style === 3 ? `<![CDATA[University ${i} <Staff & Students>]]>` : `University ${i} &lt;Staff &amp; Students&gt;`;
  const nameless = i % 50 === 49; // no mdui: the Organization's display name is used
  const displayName = nameless ? `Org ${i}` : en;
  const endpoints = (kind: string, path: string): string =>
    ['HTTP-Redirect', 'HTTP-POST', 'HTTP-POST-SimpleSign', 'SOAP']
      .map((b) => `\n      <${p}${kind} Binding="urn:oasis:names:tc:SAML:2.0:bindings:${b}" Location="https://${host}/idp/profile/SAML2/${b.replace('HTTP-', '')}/${path}"/>`)
      .join('');
  const xml = `
  <${p}EntityDescriptor${decl} entityID="${idpEntityId(i).replace(/&/g, '&amp;')}" note="a > b">${style === 3 ? '\n    <!-- a comment with <md:IDPSSODescriptor> inside --><?pi data?>' : ''}
    <${p}Extensions>
      <mdattr:EntityAttributes><saml:Attribute Name="http://macedir.org/entity-category-support" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue>http://refeds.org/category/research-and-scholarship</saml:AttributeValue></saml:Attribute></mdattr:EntityAttributes>
      <mdrpi:RegistrationInfo registrationAuthority="https://federation.example.org" registrationInstant="2020-01-01T00:00:00Z"/>
    </${p}Extensions>
    <${p}IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol urn:mace:shibboleth:1.0 urn:oasis:names:tc:SAML:2.0:protocol" errorURL="https://${host}/error?x=1&amp;y=2">
      <${p}Extensions>
        <shibmd:Scope regexp="false">uni-${i % 97}.example.edu</shibmd:Scope>${
          nameless
            ? `
        <mdui:UIInfo><!--PAD--></mdui:UIInfo>`
            : `
        <mdui:UIInfo>
          <mdui:DisplayName xml:lang="de">Universität ${i}</mdui:DisplayName>
          <mdui:DisplayName xml:lang="en">${enXml}</mdui:DisplayName>
          <mdui:Logo height="80" width="80">https://${host}/logo.png</mdui:Logo>
          <mdui:InformationURL xml:lang="en">https://${host}/info</mdui:InformationURL><!--PAD-->
        </mdui:UIInfo>`
        }
        <mdui:DiscoHints><mdui:DomainHint>uni-${i % 97}.example.edu</mdui:DomainHint></mdui:DiscoHints>
      </${p}Extensions>${keyDescriptor('signing', cert(0), p)}${keyDescriptor('signing', cert(1), p)}${keyDescriptor('encryption', cert(2), p)}
      <${p}ArtifactResolutionService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://${host}:8443/idp/profile/SAML2/SOAP/ArtifactResolution" index="1"/>${endpoints('SingleLogoutService', 'SLO')}
      <${p}NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</${p}NameIDFormat>
      <${p}NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</${p}NameIDFormat>${endpoints('SingleSignOnService', 'SSO')}
    </${p}IDPSSODescriptor>
    <${p}AttributeAuthorityDescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keyDescriptor(null, cert(0), p)}
      <${p}AttributeService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://${host}:8443/idp/profile/SAML2/SOAP/AttributeQuery"/>
    </${p}AttributeAuthorityDescriptor>
    <${p}Organization>
      <${p}OrganizationName xml:lang="en">uni-${i}</${p}OrganizationName>
      <${p}OrganizationDisplayName xml:lang="en">Org ${i}</${p}OrganizationDisplayName>
      <${p}OrganizationURL xml:lang="en">https://uni-${i}.example.edu/</${p}OrganizationURL>
    </${p}Organization>
    <${p}ContactPerson contactType="technical"><${p}GivenName>IT</${p}GivenName><${p}EmailAddress>mailto:it@${host}</${p}EmailAddress></${p}ContactPerson>
    <${p}ContactPerson contactType="support"><${p}EmailAddress>mailto:help@${host}</${p}EmailAddress></${p}ContactPerson>
  </${p}EntityDescriptor>`;
  return { xml, displayName };
}

function spEntity(i: number, certs: string[]): string {
  return `
  <md:EntityDescriptor entityID="https://sp${i}.example.org/shibboleth">
    <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      <md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">Service ${i}</mdui:DisplayName><!--PAD--></mdui:UIInfo></md:Extensions>${keyDescriptor(null, certs[i % certs.length]!, 'md:')}
      <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp${i}.example.org/Shibboleth.sso/SAML2/POST" index="1"/>
    </md:SPSSODescriptor>
  </md:EntityDescriptor>`;
}
