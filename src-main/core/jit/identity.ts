// How principals and emails are compared. Two relations, on purpose:
//
// - `identityKey` decides that two values are the SAME account key or email. It is exact but for XML whitespace
//   around the value and, when the rules ask for case-insensitive matching, the lower-casing of characters that
//   have no compatibility decomposition. "ALICE" and "alice" are one user; the Kelvin sign (U+212A), the Ångström
//   sign (U+212B) and fullwidth letters are NOT lower-cased onto "k", "å" or "a", and nothing else is trimmed
//   (JavaScript's trim() also strips NBSP, BOM, U+3000, U+2028 and U+2007, which is how look-alikes used to land
//   in other people's accounts).
// - `canonicalIdentity` decides that two values LOOK ALIKE. Values with the same canonical form but different
//   identity keys are never merged: the planner refuses them (jit.confusable-principal, jit.confusable-email) or,
//   when the rules say so, warns and keeps them apart.
//
// The canonical form, in this order:
//   1. Unicode NFKC (compatibility characters become their plain form: U+212A → K, fullwidth → ASCII, NBSP,
//      U+2007 and U+3000 → space; decomposed NFD sequences are composed);
//   2. every Default_Ignorable_Code_Point (zero-width space/joiners, BOM, soft hyphen, word joiner, variation
//      selectors, bidi marks) and every other control character is removed;
//   3. every White_Space character (incl. U+2028, U+2029, U+0085) becomes U+0020, runs collapse to one, and the
//      ends are trimmed;
//   4. Unicode case folding, as toUpperCase() then toLowerCase() (ß → ss, ſ → s, final ς → σ);
//   5. NFKC again (case mapping can leave decomposed sequences, e.g. İ → i + U+0307);
// repeated until the value no longer changes, so the form is idempotent.
import { createHash } from 'node:crypto';

const DEFAULT_IGNORABLE = /[\p{Default_Ignorable_Code_Point}]/gu;
const WHITE_SPACE = /\p{White_Space}+/gu;
const CONTROL = /\p{Cc}/gu;
const XML_WHITESPACE_ENDS = /^[ \t\r\n]+|[ \t\r\n]+$/g;

/** Removes XML whitespace (space, tab, CR, LF) around a value: indentation in the document, never part of it. */
export function trimXmlWhitespace(value: string): string {
  return value.replace(XML_WHITESPACE_ENDS, '');
}

/** The canonical form in which principals and emails are compared for look-alikes (see the header). */
export function canonicalIdentity(value: string): string {
  // Applied until nothing changes (at most a few rounds): the last NFKC can, in rare cases, produce a space or an
  // ignorable character again, and the form must be idempotent.
  let out = value;
  for (let i = 0; i < 4; i++) {
    const next = canonicalRound(out);
    if (next === out) break;
    out = next;
  }
  return out;
}

function canonicalRound(value: string): string {
  const spaced = value.normalize('NFKC').replace(WHITE_SPACE, ' ');
  const visible = spaced.replace(DEFAULT_IGNORABLE, '').replace(CONTROL, '');
  const trimmed = visible.replace(/ {2,}/g, ' ').replace(/^ | $/g, '');
  return trimmed.toUpperCase().toLowerCase().normalize('NFKC');
}

/** The exact form in which an account key or an email is the same (see the header). */
export function identityKey(value: string, caseInsensitive: boolean): string {
  const trimmed = trimXmlWhitespace(value);
  return caseInsensitive ? safeLowerCase(trimmed) : trimmed;
}

/** Lower-cases only characters that are their own NFKC form and stay so: never U+212A → k or U+212B → å. */
export function safeLowerCase(value: string): string {
  let out = '';
  for (const ch of value) {
    const lower = ch.toLowerCase();
    out += ch.normalize('NFKC') === ch && lower.normalize('NFKC') === lower ? lower : ch;
  }
  return out;
}

/** Upper-case counterpart of safeLowerCase. */
export function safeUpperCase(value: string): string {
  let out = '';
  for (const ch of value) {
    const upper = ch.toUpperCase();
    out += ch.normalize('NFKC') === ch && upper.normalize('NFKC') === upper ? upper : ch;
  }
  return out;
}

/** Two values that look alike (same canonical form) but are not the same (different identity keys). */
export function isLookalike(a: string, b: string, caseInsensitive: boolean): boolean {
  return identityKey(a, caseInsensitive) !== identityKey(b, caseInsensitive) && canonicalIdentity(a) !== '' && canonicalIdentity(a) === canonicalIdentity(b);
}

const NAMES: Record<number, string> = {
  0x09: 'CHARACTER TABULATION',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0x20: 'SPACE',
  0x85: 'NEXT LINE',
  0xa0: 'NO-BREAK SPACE',
  0xad: 'SOFT HYPHEN',
  0xc5: 'LATIN CAPITAL LETTER A WITH RING ABOVE',
  0xdf: 'LATIN SMALL LETTER SHARP S',
  0xe5: 'LATIN SMALL LETTER A WITH RING ABOVE',
  0x130: 'LATIN CAPITAL LETTER I WITH DOT ABOVE',
  0x131: 'LATIN SMALL LETTER DOTLESS I',
  0x17f: 'LATIN SMALL LETTER LONG S',
  0x300: 'COMBINING GRAVE ACCENT',
  0x301: 'COMBINING ACUTE ACCENT',
  0x307: 'COMBINING DOT ABOVE',
  0x308: 'COMBINING DIAERESIS',
  0x30a: 'COMBINING RING ABOVE',
  0x34f: 'COMBINING GRAPHEME JOINER',
  0x3c2: 'GREEK SMALL LETTER FINAL SIGMA',
  0x1680: 'OGHAM SPACE MARK',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x2000: 'EN QUAD',
  0x2001: 'EM QUAD',
  0x2002: 'EN SPACE',
  0x2003: 'EM SPACE',
  0x2004: 'THREE-PER-EM SPACE',
  0x2005: 'FOUR-PER-EM SPACE',
  0x2006: 'SIX-PER-EM SPACE',
  0x2007: 'FIGURE SPACE',
  0x2008: 'PUNCTUATION SPACE',
  0x2009: 'THIN SPACE',
  0x200a: 'HAIR SPACE',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202f: 'NARROW NO-BREAK SPACE',
  0x205f: 'MEDIUM MATHEMATICAL SPACE',
  0x2060: 'WORD JOINER',
  0x2126: 'OHM SIGN',
  0x212a: 'KELVIN SIGN',
  0x212b: 'ANGSTROM SIGN',
  0x3000: 'IDEOGRAPHIC SPACE',
  0xfe0f: 'VARIATION SELECTOR-16',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (BOM)',
};

/** "U+212A KELVIN SIGN", "U+006B LATIN SMALL LETTER K", "U+00E9" (no name known here). */
export function describeCodePoint(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  let name = NAMES[cp];
  if (!name && cp >= 0x41 && cp <= 0x5a) name = `LATIN CAPITAL LETTER ${String.fromCodePoint(cp)}`;
  if (!name && cp >= 0x61 && cp <= 0x7a) name = `LATIN SMALL LETTER ${String.fromCodePoint(cp - 32)}`;
  if (!name && cp >= 0xff21 && cp <= 0xff3a) name = `FULLWIDTH LATIN CAPITAL LETTER ${String.fromCodePoint(cp - 0xff21 + 0x41)}`;
  if (!name && cp >= 0xff41 && cp <= 0xff5a) name = `FULLWIDTH LATIN SMALL LETTER ${String.fromCodePoint(cp - 0xff41 + 0x41)}`;
  if (!name && cp >= 0xff10 && cp <= 0xff19) name = `FULLWIDTH DIGIT ${cp - 0xff10}`;
  if (!name && cp === 0xff20) name = 'FULLWIDTH COMMERCIAL AT';
  return name ? `${hex} ${name}` : hex;
}

/** The code points by which two look-alike values differ, each way (multiset difference), at most `max` each. */
export function differingCodePoints(incoming: string, existing: string, max = 8): { incoming: string[]; existing: string[] } {
  const count = (s: string): Map<number, number> => {
    const m = new Map<number, number>();
    for (const ch of s) m.set(ch.codePointAt(0)!, (m.get(ch.codePointAt(0)!) ?? 0) + 1);
    return m;
  };
  const a = count(incoming);
  const b = count(existing);
  const minus = (x: Map<number, number>, y: Map<number, number>): string[] => {
    const out: string[] = [];
    for (const [cp, n] of x) if (n > (y.get(cp) ?? 0)) out.push(describeCodePoint(cp));
    return out.length > max ? [...out.slice(0, max), `… ${out.length - max} more`] : out;
  };
  return { incoming: minus(a, b), existing: minus(b, a) };
}

/** One line naming how a value differs from the existing one it looks like. */
export function describeLookalike(incoming: string, existing: string): string {
  const d = differingCodePoints(incoming, existing);
  const parts: string[] = [];
  if (d.incoming.length > 0) parts.push(`this login has ${d.incoming.join(', ')}`);
  if (d.existing.length > 0) parts.push(`the account has ${d.existing.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'they differ only in the order of their characters';
}

/** A JSON-safe rendering of a value that may hold invisible characters: "alice\u00a0". */
export function visible(value: string): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A stable, opaque stand-in for a value (used by what-if drifts that need "another" identifier). */
export function opaqueId(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 20);
}
