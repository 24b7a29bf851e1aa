// A lab session: every accepted login opens one, holding what Single Logout needs to name it (SAML profiles 4.4.4.1:
// the NameID exactly as issued, with its Format and qualifiers, and the AuthnStatement's SessionIndex), and its
// SessionNotOnOrAfter, after which it expires.
import { randomUUID } from 'node:crypto';
import type { VerifyResult } from '../saml/verify.ts';
import type { StoredSession } from '../store/schema.ts';

export function sessionOfLogin(login: { id: string; receivedAt: string }, accountId: string, result: VerifyResult & { idp: NonNullable<VerifyResult['idp']>; nameId: string }): StoredSession {
  const until = result.nameQualifiers.sessionNotOnOrAfter;
  const parsed = until !== null ? Date.parse(until) : NaN;
  return {
    id: randomUUID(),
    loginId: login.id,
    accountId,
    idpId: result.idp.id,
    idpEntityId: result.idp.entityId,
    nameId: result.nameId,
    nameIdFormat: result.nameIdFormat,
    nameQualifier: result.nameQualifiers.nameQualifier,
    spNameQualifier: result.nameQualifiers.spNameQualifier,
    sessionIndex: result.sessionIndex,
    startedAt: login.receivedAt,
    notOnOrAfter: Number.isNaN(parsed) ? null : new Date(parsed).toISOString(),
    endedAt: null,
    endedBy: null,
    sloId: null,
  };
}
