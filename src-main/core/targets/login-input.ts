// A stored login as the SP libraries get it: the response as posted, judged at the time it was received, with the
// InResponseTo of the request it answered when the lab matched it to one (an SP-initiated login).
import type { LoginDetail } from '../../contract/logins.ts';
import { attr, parseXml } from '../util/xml.ts';
import type { TargetInput } from './types.ts';

export interface LoginTargetContext {
  /** The signing certificates (PEM) of the IdP profile the login came from. */
  idpCertificatesPem: string[];
  idpEntityId: string;
  spEntityId: string;
  acsUrl: string;
  spPrivateKeyPem: string | null;
}

/** Null when the login holds no response to give (the body was not a SAMLResponse). */
export function targetInputForLogin(login: Pick<LoginDetail, 'samlResponse' | 'xml' | 'receivedAt' | 'flow'>, ctx: LoginTargetContext): TargetInput | null {
  const samlResponse = login.samlResponse?.replace(/\s+/g, '') || (login.xml !== null ? Buffer.from(login.xml, 'utf8').toString('base64') : null);
  if (!samlResponse) return null;
  let inResponseTo: string | null = null;
  if (login.flow === 'sp-initiated' && login.xml !== null) {
    try {
      inResponseTo = attr(parseXml(login.xml).documentElement, 'InResponseTo');
    } catch {
      inResponseTo = null; // an undecodable response answers no request
    }
  }
  return { samlResponse, ...ctx, now: new Date(login.receivedAt), inResponseTo };
}
