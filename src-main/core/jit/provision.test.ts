import { describe, expect, it } from 'vitest';
import type { Attribute } from '../../contract/index.ts';
import { mapAttributes } from './mapping.ts';
import { planProvision } from './provision.ts';

const NOW = new Date('2030-06-01T12:00:00Z');
const attr = (name: string, values: string[], friendlyName: string | null = null): Attribute => ({ name, friendlyName, nameFormat: null, values });

const alice: Attribute[] = [
  attr('email', ['alice@example.com']),
  attr('givenName', ['Alice']),
  attr('sn', ['Anderson']),
  attr('displayName', ['Alice Anderson']),
  attr('groups', ['engineering', 'sso-admins']),
];

describe('default mapping', () => {
  it('maps Entra ID / ADFS claim URIs', () => {
    const m = mapAttributes([
      attr('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', ['a@corp.example']),
      attr('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', ['Ann']),
      attr('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', ['Lee']),
      attr('http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', ['g-1', 'g-2']),
    ]);
    expect(m.fields).toEqual({ email: 'a@corp.example', firstName: 'Ann', lastName: 'Lee' });
    expect(m.groups).toEqual(['g-1', 'g-2']);
  });

  it('maps urn:oid names and friendly names (Shibboleth, SimpleSAMLphp)', () => {
    const m = mapAttributes([
      attr('urn:oid:0.9.2342.19200300.100.1.3', ['b@uni.example'], 'mail'),
      attr('urn:oid:2.5.4.42', ['Bo']),
      attr('urn:oid:9.9.9', ['Brown'], 'sn'),
    ]);
    expect(m.fields).toEqual({ email: 'b@uni.example', firstName: 'Bo', lastName: 'Brown' });
    expect(m.sources.lastName).toBe('urn:oid:9.9.9');
  });

  it('matches attribute names case-insensitively (Okta firstName/lastName, memberOf)', () => {
    const m = mapAttributes([attr('FirstName', ['Cy']), attr('LASTNAME', ['Cole']), attr('memberof', ['x'])]);
    expect(m.fields).toEqual({ firstName: 'Cy', lastName: 'Cole' });
    expect(m.groups).toEqual(['x']);
  });
});

describe('planProvision', () => {
  it('creates the account on first login with every mapped field added', () => {
    const plan = planProvision(null, { idpEntityId: 'idp', principal: 'alice@example.com', attributes: alice, now: NOW });
    expect(plan.diff.kind).toBe('created');
    expect(plan.account).toMatchObject({
      principal: 'alice@example.com',
      fields: { email: 'alice@example.com', firstName: 'Alice', lastName: 'Anderson', displayName: 'Alice Anderson' },
      groups: ['engineering', 'sso-admins'],
      loginCount: 1,
      status: 'active',
    });
    expect(plan.diff.changes.map((c) => [c.field, c.change])).toEqual([
      ['email', 'added'],
      ['firstName', 'added'],
      ['lastName', 'added'],
      ['displayName', 'added'],
      ['groups', 'added'],
    ]);
  });

  it('updates exactly the field that changed on a later login', () => {
    const first = planProvision(null, { idpEntityId: 'idp', principal: 'alice@example.com', attributes: alice, now: NOW }).account;
    const changed = alice.map((a) => (a.name === 'sn' ? attr('sn', ['Archer']) : a));
    const plan = planProvision(first, { idpEntityId: 'idp', principal: 'alice@example.com', attributes: changed, now: new Date(NOW.getTime() + 1000) });
    expect(plan.diff.kind).toBe('updated');
    expect(plan.diff.changes.filter((c) => c.change !== 'unchanged')).toEqual([
      { field: 'lastName', before: 'Anderson', after: 'Archer', change: 'changed' },
    ]);
    expect(plan.account.id).toBe(first.id);
    expect(plan.account.loginCount).toBe(2);
  });

  it('reports unchanged, removed fields and group changes', () => {
    const first = planProvision(null, { idpEntityId: 'idp', principal: 'p', attributes: alice, now: NOW }).account;
    expect(planProvision(first, { idpEntityId: 'idp', principal: 'p', attributes: alice, now: NOW }).diff.kind).toBe('unchanged');
    const fewer = alice.filter((a) => a.name !== 'displayName').map((a) => (a.name === 'groups' ? attr('groups', ['engineering']) : a));
    const plan = planProvision(first, { idpEntityId: 'idp', principal: 'p', attributes: fewer, now: NOW });
    expect(plan.diff.changes.find((c) => c.field === 'displayName')).toMatchObject({ change: 'removed', before: 'Alice Anderson', after: null });
    expect(plan.diff.changes.find((c) => c.field === 'groups')).toMatchObject({ change: 'changed', before: ['engineering', 'sso-admins'], after: ['engineering'] });
  });
});
