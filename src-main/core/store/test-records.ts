// Records for the store tests: an account and a login numbered n.
import type { StoredAccount, StoredLogin } from './schema.ts';

const NOW = new Date('2030-06-01T12:00:00.000Z');

export function account(n: number): StoredAccount {
  return {
    id: `acc-${n}`,
    key: `idp\u0000user${n}`,
    principal: `user${n}@example.com`,
    idpEntityId: 'idp',
    fields: { email: `user${n}@example.com` },
    groups: ['a'],
    roles: [],
    status: 'active',
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    lastLoginAt: NOW.toISOString(),
    loginCount: 1,
  };
}

export function login(n: number, responseBytes = 200): StoredLogin {
  return {
    id: `login-${n}`,
    receivedAt: NOW.toISOString(),
    verdict: 'accepted',
    flow: 'idp-initiated',
    idpEntityId: 'idp',
    nameId: `user${n}@example.com`,
    nameIdFormat: null,
    sessionIndex: null,
    accountId: `acc-${n}`,
    samlResponse: 'x'.repeat(responseBytes),
    xml: null,
    relayState: null,
    checks: [],
    attributes: [],
    diff: { kind: 'created', accountId: `acc-${n}`, changes: [], rolesGranted: [], rolesRemoved: [], linkedBy: null },
    http: { method: 'POST', contentType: null, bytes: 1, status: 200 },
  };
}
