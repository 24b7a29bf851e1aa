import { describe, expect, it } from 'vitest';
import { asciiFieldShape, decodeFieldStart, formFieldRanges, formFields } from './form-fields.ts';

const NAMES = ['SAMLResponse', 'RelayState'] as const;

/** What the ACS read before: the whole body through URLSearchParams. */
function reference(body: Buffer): Record<(typeof NAMES)[number], string | null> {
  const form = new URLSearchParams(body.toString('utf8'));
  return { SAMLResponse: form.get('SAMLResponse'), RelayState: form.get('RelayState') };
}

/** A small deterministic generator (xorshift), so a failure names a reproducible seed. */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const NAME_PIECES = ['SAMLResponse', 'RelayState', 'SAML%52esponse', 'Relay%53tate', 'SAMLResponse+', '?SAMLResponse', 'x', ''];
const VALUE_PIECES = ['=', '%EF%BB%BF', '%ED%A0%80', '%4', '+', '%', '%2', '%2B', '%2b', '%3D', '%26', '%zz', '%C3', '%A9', '%C3%A9', '%E2%82', '%F0%9F%98%80', '%FF', '%00', '?', 'a', 'PHNhbWxw', 'AQID', '\u00e9', '\u{1F600}', ' ', '\r\n'];

/** Fields of wanted and other names, with values mixing escapes, stray '%', UTF-8 and invalid bytes. */
function generated(seed: number): Buffer {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const parts: Buffer[] = [];
  const fields = 1 + Math.floor(next() * 4);
  for (let f = 0; f < fields; f++) {
    if (f > 0) parts.push(Buffer.from(next() < 0.1 ? '&&' : '&'));
    parts.push(Buffer.from(pick(NAME_PIECES)));
    if (next() < 0.9) parts.push(Buffer.from('='));
    const pieces = Math.floor(next() * 8);
    for (let i = 0; i < pieces; i++) parts.push(next() < 0.1 ? Buffer.from([0x80 + Math.floor(next() * 0x80)]) : Buffer.from(pick(VALUE_PIECES), 'utf8'));
  }
  return Buffer.concat(parts);
}

describe('formFields reads what URLSearchParams read', () => {
  it.each([
    ['a plain post', 'SAMLResponse=PHNhbWxw%2BOg%3D%3D&RelayState=%2Fapp%3Fx%3D1'],
    ['the first of repeated fields', 'SAMLResponse=one&SAMLResponse=two&RelayState=&RelayState=b'],
    ['escaped names and a name without value', 'SAML%52esponse=x&RelayState'],
    ['a leading question mark', '?SAMLResponse=x'],
    ['no wanted field', 'a=1&b=2'],
    ['an empty body', ''],
    ['plus signs and stray percents', 'SAMLResponse=a+b%2+%zz%&RelayState=%%41'],
    ['UTF-8, escaped and raw', 'RelayState=%C3%A9\u00e9%F0%9F%98%80&SAMLResponse=%E2%82'],
  ])('%s', (_name, text) => {
    const body = Buffer.from(text, 'utf8');
    expect(formFields(body, NAMES)).toEqual(reference(body));
  });

  it('invalid UTF-8 next to escapes becomes U+FFFD as before', () => {
    const body = Buffer.concat([Buffer.from('SAMLResponse=%C3'), Buffer.from([0xa9, 0xc3]), Buffer.from('%A9&RelayState='), Buffer.from([0xff])]);
    expect(formFields(body, NAMES)).toEqual(reference(body));
  });

  it('agrees on 3,000 generated bodies', () => {
    let withValue = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const body = generated(seed);
      const got = formFields(body, NAMES);
      const want = reference(body);
      if (want.SAMLResponse !== null || want.RelayState !== null) withValue++;
      if (got.SAMLResponse !== want.SAMLResponse || got.RelayState !== want.RelayState) {
        expect({ seed, body: body.toString('hex'), got }).toEqual({ seed, body: body.toString('hex'), got: want });
      }
    }
    // The generator does reach the wanted fields (most bodies hold one).
    expect(withValue).toBeGreaterThan(1000);
  });

  it('decodes a 4 MB all-escaped value to the same 1.3 MB text', () => {
    const body = Buffer.from(`RelayState=r&SAMLResponse=${'%41%2B%2f'.repeat(440_000)}`);
    const got = formFields(body, NAMES);
    expect(got.SAMLResponse).toHaveLength(1_320_000);
    expect(got).toEqual(reference(body));
  });

  it('measures a value without decoding it as the verifier measures the decoded text', () => {
    let measured = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const body = generated(seed);
      const range = formFieldRanges(body, NAMES).SAMLResponse;
      if (!range) continue;
      const value = reference(body).SAMLResponse!;
      const shape = asciiFieldShape(body, range);
      // Null only when a raw byte or an escape is >= 0x80 (then the listener decodes the value).
      if (shape === null) {
        expect(/[\x80-\xff]|%[89a-fA-F][0-9a-fA-F]/.test(body.toString('latin1', range.from, range.to))).toBe(true);
        continue;
      }
      measured++;
      expect(decodeFieldStart(body, range, 5)).toBe(value.slice(0, 5));
      // What analyze-response.ts decode() measures: whitespace removed, '=' padding at the end.
      const compact = value.replace(/[\r\n\t ]+/g, '');
      expect(shape).toEqual({ length: value.length, compact: compact.length, padding: compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0 });
    }
    expect(measured).toBeGreaterThan(300);
  });
});
