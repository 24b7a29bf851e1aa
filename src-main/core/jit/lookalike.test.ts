// Look-alike identities (issue 13 point 6): a principal or email that differs from an existing account's only by
// Unicode compatibility forms, case folding, invisible or space-like characters never lands in that account.
// Property-based over generated confusable pairs; each asserts the failing check id and that no account changed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Attribute } from '../../contract/index.ts';
import { JitRules, type JitRulesInput } from '../../contract/jit-rules.ts';
import type { StoredAccount } from '../store/schema.ts';
import { AccountIndex } from './account-index.ts';
import { canonicalIdentity, describeLookalike, identityKey } from './identity.ts';
import { DEFAULT_RULES } from './presets.ts';
import { planProvision } from './provision.ts';

const NOW = new Date('2030-06-01T12:00:00Z');
const IDP = 'https://idp.example';
const attr = (name: string, values: string[]): Attribute => ({ name, friendlyName: null, nameFormat: null, values });
const attrsFor = (email: string, groups = ['staff']): Attribute[] => [attr('email', [email]), attr('givenName', ['Given']), attr('groups', groups)];

function rules(patch: Partial<JitRulesInput> = {}): JitRules {
  return JitRules.parse({ ...(JSON.parse(JSON.stringify(DEFAULT_RULES)) as JitRulesInput), ...patch });
}

function plan(r: JitRules, accounts: StoredAccount[], nameId: string, email: string, idp = IDP) {
  return planProvision({ idpEntityId: idp, nameId, attributes: attrsFor(email), now: NOW, rules: r, accounts: new AccountIndex(accounts) });
}

function account(r: JitRules, nameId: string, email: string, idp = IDP): StoredAccount {
  return plan(r, [], nameId, email, idp).account!;
}

/** Invisible characters a value can carry without looking any different. */
const INVISIBLE = ['\u200B', '\u200C', '\u200D', '\uFEFF', '\u00AD', '\u2060', '\u180E', '\uFE0F', '\u200E'];
/** Space-like characters JavaScript's trim() removes (and NFKC or the canonical form maps to a space). */
const SPACES = ['\u00A0', '\uFEFF', '\u3000', '\u2028', '\u2029', '\u2007', '\u202F', '\u2009', '\u0085'];

/** A plain base value (lower-case ASCII, a "k" or an "a" to be swapped) and a mutation that makes a look-alike. */
const base = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.constantFrom('k', 'a', 'e', 's', 'i'), fc.stringMatching(/^[a-z0-9.]{0,8}$/))
  .map(([a, mid, b]) => `${a}${mid}${b}`);

type Mutation = (value: string, pick: number) => string;
const MUTATIONS: Record<string, Mutation> = {
  'kelvin sign': (v) => (v.includes('k') ? v.replace('k', '\u212A') : v.replace(/[a-z]/, (c) => String.fromCodePoint(0xff41 + c.charCodeAt(0) - 0x61))),
  'fullwidth letter': (v, p) => {
    const letters = [...v].map((c, i) => [c, i] as const).filter(([c]) => /[a-z]/.test(c));
    const [c, i] = letters[p % letters.length]!;
    return v.slice(0, i) + String.fromCodePoint(0xff41 + c.charCodeAt(0) - 0x61) + v.slice(i + 1);
  },
  'invisible character inside': (v, p) => {
    const i = 1 + (p % v.length);
    return v.slice(0, i) + INVISIBLE[p % INVISIBLE.length]! + v.slice(i);
  },
  'space-like character around': (v, p) => (p % 2 === 0 ? SPACES[p % SPACES.length]! + v : v + SPACES[p % SPACES.length]!),
  'decomposed (NFD) accent': (v) => `${v}e\u0301`,
  'soft hyphen': (v) => `${v.slice(0, 1)}\u00AD${v.slice(1)}`,
  'long s / sharp s': (v) => (v.includes('s') ? v.replace('s', '\u017F') : `${v}\u00DF`),
};
/** The existing account's form of the same value (the NFD mutation appends é, the sharp s "ss"). */
const originalOf = (name: string, v: string): string => (name === 'decomposed (NFD) accent' ? `${v}\u00E9` : name === 'long s / sharp s' && !v.includes('s') ? `${v}ss` : v);

const mutation = fc.constantFrom(...Object.keys(MUTATIONS));

describe('the canonical form', () => {
  it('maps every generated look-alike onto its original, while the identity keys stay apart', () => {
    fc.assert(
      fc.property(base, mutation, fc.nat(), (v, name, pick) => {
        const original = originalOf(name, v);
        const variant = MUTATIONS[name]!(v, pick);
        expect(canonicalIdentity(variant)).toBe(canonicalIdentity(original));
        expect(identityKey(variant, true)).not.toBe(identityKey(original, true));
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent, and two values with the same identity key always share the canonical form (any Unicode)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 24 }), fc.boolean(), (v, caseInsensitive) => {
        expect(canonicalIdentity(canonicalIdentity(v))).toBe(canonicalIdentity(v));
        expect(canonicalIdentity(identityKey(v, caseInsensitive))).toBe(canonicalIdentity(v));
      }),
      { numRuns: 500 },
    );
  });

  it('names the differing code points', () => {
    expect(describeLookalike('\u212Aate', 'kate')).toBe('this login has U+212A KELVIN SIGN; the account has U+006B LATIN SMALL LETTER K');
    expect(describeLookalike('bob\u00A0', 'bob')).toBe('this login has U+00A0 NO-BREAK SPACE');
    expect(describeLookalike('\u00C5sa', '\u212Bsa')).toContain('U+212B ANGSTROM SIGN');
  });

  it('keeps ASCII case-insensitivity and XML whitespace trimming', () => {
    expect(identityKey(' Alice@Example.COM\n', true)).toBe('alice@example.com');
    expect(identityKey('\u00A0alice', true)).toBe('\u00A0alice');
    expect(identityKey('\u212Aate', true)).toBe('\u212Aate');
  });
});

describe('look-alike principals never land in an existing account', () => {
  it.each([
    ['Kelvin sign', 'kate', '\u212Aate'],
    ['Ångström sign', '\u00E5sa', '\u212Bsa'],
    ['NBSP', 'bob', 'bob\u00A0'],
    ['BOM', 'bob', '\uFEFFbob'],
    ['ideographic space', 'bob', 'bob\u3000'],
    ['line separator', 'bob', '\u2028bob'],
    ['figure space', 'bob', 'bob\u2007'],
  ])('%s: refused with jit.confusable-principal naming the account', (_name, existingPrincipal, variant) => {
    const r = rules();
    const victim = account(r, existingPrincipal, 'victim@example.com');
    const snapshot = structuredClone(victim);
    const p = plan(r, [victim], variant, 'attacker@example.com');
    expect(p.rejected).toBe(true);
    expect(p.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['jit.confusable-principal']);
    const c = p.checks.find((x) => x.id === 'jit.confusable-principal')!;
    expect(c.received).toContain(`(id ${victim.id})`);
    expect(c.received).toMatch(/U\+[0-9A-F]{4}/);
    expect(c.hint).toContain('Keycloak lower-cases usernames');
    expect(p.account).toBeNull();
    expect(victim).toEqual(snapshot);
  });

  it('property: any generated look-alike principal is refused and changes no account, under every emailConflict', () => {
    fc.assert(
      fc.property(base, mutation, fc.nat(), fc.constantFrom('refuse', 'link', 'create') as fc.Arbitrary<'refuse' | 'link' | 'create'>, (v, name, pick, emailConflict) => {
        const r = rules({ emailConflict });
        const victim = account(r, originalOf(name, v), 'victim@example.com');
        const snapshot = structuredClone(victim);
        const p = plan(r, [victim], MUTATIONS[name]!(v, pick), 'victim@example.com');
        expect(p.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['jit.confusable-principal']);
        expect(p.account).toBeNull();
        expect(victim).toEqual(snapshot);
      }),
      { numRuns: 200 },
    );
  });

  it('with lookalikes "warn", keeps them apart: a second account, the first one untouched', () => {
    const r = rules({ lookalikes: 'warn' });
    const victim = account(r, 'kate', 'kate@example.com');
    const snapshot = structuredClone(victim);
    const p = plan(r, [victim], '\u212Aate', 'other@example.com');
    expect(p.diff.kind).toBe('created');
    expect(p.account!.id).not.toBe(victim.id);
    expect(p.checks.find((c) => c.id === 'jit.confusable-principal')?.status).toBe('warn');
    expect(victim).toEqual(snapshot);
  });
});

describe('look-alike emails never link, duplicate or change an account silently', () => {
  it('property: a new principal with a look-alike email is refused with jit.confusable-email under every emailConflict', () => {
    fc.assert(
      fc.property(base, mutation, fc.nat(), fc.constantFrom('refuse', 'link', 'create') as fc.Arbitrary<'refuse' | 'link' | 'create'>, (v, name, pick, emailConflict) => {
        const r = rules({ emailConflict, linkAcrossIdps: true });
        const victim = account(r, 'victim-id', `${originalOf(name, v)}@example.com`);
        const snapshot = structuredClone(victim);
        // Space-like characters count around the value (inside it, a space is a visible difference).
        const variant = name === 'space-like character around' ? MUTATIONS[name]!(`${v}@example.com`, pick) : `${MUTATIONS[name]!(v, pick)}@example.com`;
        const p = plan(r, [victim], 'newcomer-id', variant);
        expect(p.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['jit.confusable-email']);
        expect(p.checks.find((c) => c.id === 'jit.confusable-email')!.received).toContain('account victim-id');
        expect(p.account).toBeNull();
        expect(victim).toEqual(snapshot);
      }),
      { numRuns: 200 },
    );
  });

  it('an existing account cannot change its email to a look-alike of another account\'s', () => {
    const r = rules();
    const kate = account(r, 'kate-id', 'kate@example.com');
    const mallory = account(r, 'mallory-id', 'mallory@example.com');
    const snapshot = structuredClone([kate, mallory]);
    const p = plan(r, [kate, mallory], 'mallory-id', '\u212Aate@example.com');
    expect(p.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['jit.confusable-email']);
    expect(p.before?.id).toBe(mallory.id);
    expect([kate, mallory]).toEqual(snapshot);
  });

  it('the email lower-case transform does not turn U+212A into "k" (the Kelvin email used to link into kate\'s account)', () => {
    const r = rules({ emailConflict: 'link' });
    const kate = account(r, 'kate-id', 'kate@example.com');
    const p = plan(r, [kate], 'mallory-id', '\u212AATE@EXAMPLE.COM');
    expect(p.diff.linkedBy).toBeNull();
    expect(p.checks.find((c) => c.id === 'jit.confusable-email')?.status).toBe('fail');
  });
});
