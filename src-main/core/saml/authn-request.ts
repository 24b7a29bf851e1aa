// SP-initiated login: an AuthnRequest over the HTTP-Redirect binding (deflate, base64, query string).
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { newSamlId } from '../demo-idp/response-builder.ts';
import { NS, attr, firstChild, parseXml, textOf } from '../util/xml.ts';

export interface AuthnRequestSpec {
  spEntityId: string;
  acsUrl: string;
  ssoUrl: string;
  nameIdFormat: string;
  relayState?: string | null;
  now: Date;
}

export function buildRedirectLogin(spec: AuthnRequestSpec): { id: string; url: string } {
  const id = newSamlId();
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${id}" Version="2.0" ` +
    `IssueInstant="${spec.now.toISOString()}" Destination="${esc(spec.ssoUrl)}" ` +
    `ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" AssertionConsumerServiceURL="${esc(spec.acsUrl)}">` +
    `<saml:Issuer>${esc(spec.spEntityId)}</saml:Issuer>` +
    `<samlp:NameIDPolicy Format="${esc(spec.nameIdFormat)}" AllowCreate="true"/>` +
    `</samlp:AuthnRequest>`;
  const url = new URL(spec.ssoUrl);
  url.searchParams.set('SAMLRequest', deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'));
  if (spec.relayState) url.searchParams.set('RelayState', spec.relayState);
  return { id, url: url.toString() };
}

export interface ParsedAuthnRequest {
  id: string;
  issuer: string | null;
  acsUrl: string | null;
  nameIdFormat: string | null;
}

/** Reads a Redirect-binding SAMLRequest (used by the demo IdP). Throws with a readable message. */
export function parseRedirectAuthnRequest(samlRequest: string): ParsedAuthnRequest {
  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(samlRequest, 'base64'), { maxOutputLength: 1_000_000 }).toString('utf8');
  } catch {
    throw new Error('The SAMLRequest is not deflated base64 (HTTP-Redirect binding).');
  }
  const root = parseXml(xml).documentElement;
  if (root.namespaceURI !== NS.samlp || root.localName !== 'AuthnRequest') throw new Error('The SAMLRequest is not an AuthnRequest.');
  const id = attr(root, 'ID');
  if (!id) throw new Error('The AuthnRequest has no ID.');
  const policy = firstChild(root, NS.samlp, 'NameIDPolicy');
  return {
    id,
    issuer: textOf(firstChild(root, NS.saml, 'Issuer'))?.trim() ?? null,
    acsUrl: attr(root, 'AssertionConsumerServiceURL'),
    nameIdFormat: attr(policy, 'Format'),
  };
}

function esc(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
