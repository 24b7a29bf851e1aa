// Reads the few fields the ACS needs from a posted application/x-www-form-urlencoded body, on the thread that also
// serves the UI, the API and /saml/metadata. `new URLSearchParams(body.toString())` turned the whole body into a
// string and percent-decoded every field with JavaScript string operations: ~30–60 ms of that thread for a 4 MB body
// on a quiet machine (~0.3 s under load, BENCHMARKS.md). Here the fields are found with native byte searches, names
// are decoded only when they are short enough to be a wanted one, and only the first value of each wanted field is
// decoded: with no escape in it, straight from the bytes (native); else escapes are decoded into a byte buffer
// (one pass) that is read as text (native).
//
// asciiFieldShape measures a value the way the verifier measures the SAMLResponse text (length without whitespace,
// '=' padding) without decoding it, so the ACS can refuse an oversized one unread.
//
// The answer is the one `new URLSearchParams(body.toString()).get(name)` gives (form-fields.test.ts compares them on
// generated bodies): a leading '?' is dropped, fields are split on '&', the name ends at the first '=', '+' is a
// space, "%XX" with two hex digits is a byte and any other '%' stays, the decoded bytes are read as UTF-8 (U+FFFD
// for invalid sequences), and the first field of a name wins. Raw bytes >= 0x80 (never in a browser's post: it
// escapes them) take a slower path that reproduces Node's handling of them exactly.

const AMP = 0x26;
const EQ = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;
const QUESTION = 0x3f;

/** Where a field's value sits in the body (bytes [from, to), still escaped). */
export interface FieldRange {
  from: number;
  to: number;
}

/** The first value of each wanted field, decoded (null when the body has no such field). */
export function formFields<K extends string>(body: Buffer, names: readonly K[]): Record<K, string | null> {
  const ranges = formFieldRanges(body, names);
  return Object.fromEntries(names.map((n) => [n, ranges[n] ? decodeField(body, ranges[n]) : null])) as Record<K, string | null>;
}

/** Where the first value of each wanted field is, without decoding any value (null when there is no such field). */
export function formFieldRanges<K extends string>(body: Buffer, names: readonly K[]): Record<K, FieldRange | null> {
  const out = Object.fromEntries(names.map((n) => [n, null])) as Record<K, FieldRange | null>;
  // Each decoded character takes at least one byte ("%XX" takes three): a longer raw name cannot be a wanted one.
  const longestName = Math.max(...names.map((n) => Buffer.byteLength(n) * 3));
  let missing = names.length;
  const end = body.length;
  let start = end > 0 && body[0] === QUESTION ? 1 : 0;
  while (start <= end && missing > 0) {
    let stop = body.indexOf(AMP, start);
    if (stop < 0) stop = end;
    if (stop > start) {
      let eq = body.indexOf(EQ, start);
      if (eq < 0 || eq > stop) eq = stop;
      if (eq - start <= longestName) {
        const name = decodeRange(body, start, eq, false) as K;
        if (names.includes(name) && out[name] === null) {
          out[name] = eq < stop ? { from: eq + 1, to: stop } : { from: stop, to: stop };
          missing--;
        }
      }
    }
    start = stop + 1;
  }
  return out;
}

/** A value, decoded. */
export function decodeField(body: Buffer, range: FieldRange): string {
  return decodeRange(body, range.from, range.to, false);
}

/** The first `max` characters of a value whose decoded text is ASCII (asciiFieldShape said so), decoded. */
export function decodeFieldStart(body: Buffer, range: FieldRange, max: number): string {
  // An ASCII character takes at most three bytes ("%XX"); two more so that an escape is never cut at the end.
  const to = Math.min(range.to, range.from + 3 * max + 2);
  return decodeRange(body, range.from, to, false).slice(0, max);
}

/** XML whitespace, as the verifier strips it from a SAMLResponse before measuring it. */
const isXmlSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * What the verifier measures of a SAMLResponse value, read from the escaped bytes without decoding them: its length,
 * its length without XML whitespace, and how many '=' end that. Null when the decoded value would not be plain ASCII
 * (a raw byte or an escape >= 0x80): then only decoding it says how many characters it has.
 */
export function asciiFieldShape(body: Buffer, range: FieldRange): { length: number; compact: number; padding: 0 | 1 | 2 } | null {
  const { from, to } = range;
  if (!isAscii(body, from, to)) return null;
  const found = (byte: number): boolean => {
    const i = body.indexOf(byte, from);
    return i >= 0 && i < to;
  };
  let length = 0;
  let spaces = 0;
  // The last two characters that are not whitespace, as decoded.
  let last = -1;
  let beforeLast = -1;
  if (![PERCENT, PLUS, 0x20, 0x09, 0x0a, 0x0d].some(found)) {
    // Nothing to decode and no whitespace: the bytes are the text (a base64 value as browsers post it).
    length = to - from;
    last = length > 0 ? body[to - 1]! : -1;
    beforeLast = length > 1 ? body[to - 2]! : -1;
    return { length, compact: length, padding: padding(last, beforeLast) };
  }
  for (let i = from; i < to; i++) {
    let c = body[i]!;
    if (c === PLUS) {
      c = 0x20;
    } else if (c === PERCENT && i + 2 < to) {
      const hi = HEX[body[i + 1]!]!;
      const lo = HEX[body[i + 2]!]!;
      if (hi >= 0 && lo >= 0) {
        c = (hi << 4) | lo;
        if (c >= 0x80) return null;
        i += 2;
      }
    }
    length++;
    if (isXmlSpace(c)) {
      spaces++;
    } else {
      beforeLast = last;
      last = c;
    }
  }
  return { length, compact: length - spaces, padding: padding(last, beforeLast) };
}

function padding(last: number, beforeLast: number): 0 | 1 | 2 {
  return last !== EQ ? 0 : beforeLast === EQ ? 2 : 1;
}

/** True when every byte in [from, to) is ASCII (read as 32-bit words where aligned: 4 MB in a few ms). */
function isAscii(bytes: Buffer, from: number, to: number): boolean {
  const head = Math.min(to - from, (4 - ((bytes.byteOffset + from) % 4)) % 4);
  const words = Math.floor((to - from - head) / 4);
  for (let i = from; i < from + head; i++) if (bytes[i]! >= 0x80) return false;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + from + head, words);
    for (let i = 0; i < words; i++) if ((view[i]! & 0x80808080) !== 0) return false;
  }
  for (let i = from + head + words * 4; i < to; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/** The value of a hex digit by byte, -1 for any other byte. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) HEX[0x41 + i] = HEX[0x61 + i] = 10 + i;

function hexValue(c: number): number {
  return c < 256 ? HEX[c]! : -1;
}

/**
 * Whether [from, to) holds a "%XX" escape as Node's URLSearchParams tells (a '+' between the three characters does not
 * count, so "%a+b" is one; only a value it flags is decoded, which matters for raw bytes >= 0x80).
 */
function hasEscape(body: Buffer, from: number, to: number): boolean {
  const first = body.indexOf(PERCENT, from);
  if (first < 0 || first >= to) return false;
  let check = 0;
  for (let i = first; i < to; i++) {
    const c = body[i]!;
    if (c === PLUS) continue;
    if (c === PERCENT) check = 1;
    else if (check > 0) check = hexValue(c) >= 0 ? check + 1 : 0;
    if (check === 3) return true;
  }
  return false;
}

/** One name or value: '+' is a space, "%XX" a byte, the bytes read as UTF-8. `ascii`: known to be ASCII. */
function decodeRange(body: Buffer, from: number, to: number, ascii: boolean): string {
  const rawAscii = ascii || isAscii(body, from, to);
  if (!hasEscape(body, from, to)) {
    const text = body.toString(rawAscii ? 'latin1' : 'utf8', from, to);
    return text.includes('+') ? text.replaceAll('+', ' ') : text;
  }
  if (!rawAscii) {
    // Raw bytes >= 0x80 and escapes in one value (no browser posts that): exactly what Node's URLSearchParams does
    // with the text it was given, quirks included (after a failed decodeURIComponent, characters are cut to bytes).
    const text = body.toString('utf8', from, to).replaceAll('+', ' ');
    try {
      return decodeURIComponent(text);
    } catch {
      return unescapeText(text);
    }
  }
  const decoded = Buffer.allocUnsafe(to - from);
  let n = 0;
  let high = false;
  for (let i = from; i < to; i++) {
    const c = body[i]!;
    if (c === PLUS) {
      decoded[n++] = 0x20;
      continue;
    }
    if (c === PERCENT && i + 2 < to) {
      const hi = hexValue(body[i + 1]!);
      const lo = hexValue(body[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        const byte = (hi << 4) | lo;
        if (byte >= 0x80) high = true;
        decoded[n++] = byte;
        i += 2;
        continue;
      }
    }
    decoded[n++] = c;
  }
  return decoded.toString(high ? 'utf8' : 'latin1', 0, n);
}

/** Node's querystring.unescapeBuffer(text).toString(): "%XX" is a byte, every other character its low byte. */
function unescapeText(text: string): string {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === PERCENT && i + 2 < text.length) {
      const hi = text.charCodeAt(i + 1) < 0x80 ? hexValue(text.charCodeAt(i + 1)) : -1;
      const lo = text.charCodeAt(i + 2) < 0x80 ? hexValue(text.charCodeAt(i + 2)) : -1;
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = c & 0xff;
  }
  return out.toString('utf8', 0, n);
}
