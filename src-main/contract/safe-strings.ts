// Strings that end up in other programs' configuration (entity IDs, URLs, NameID formats, attribute names in rules)
// can never legitimately hold a line break or another control character: refusing them where they enter the lab
// means no export, log line or header can be split by one. No Node, no electron: the renderer imports this too.
import { z } from 'zod';

/** C0 controls (incl. TAB, LF, CR, NUL), DEL, C1 controls (incl. NEL U+0085), and the Unicode line and paragraph
 * separators U+2028/U+2029 (line breaks for JavaScript, XML 1.1 and many editors). */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** A UTF-16 surrogate without its partner: not Unicode, and not encodable in UTF-8 config files. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isWellFormedUnicode(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** The first control character of `value` as U+XXXX, or null when there is none. */
export function firstControlCharacter(value: string): string | null {
  const m = CONTROL_CHARACTERS.exec(value);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/** True when `value` is well-formed Unicode (no lone surrogate) and holds no control character. */
export function isSafeConfigString(value: string): boolean {
  return isWellFormedUnicode(value) && !CONTROL_CHARACTERS.test(value);
}

/** Why `value` is not a safe config string, in words a person can act on; null when it is. */
export function unsafeConfigStringReason(value: string): string | null {
  if (!isWellFormedUnicode(value)) return 'holds a lone UTF-16 surrogate (not valid Unicode)';
  const c = firstControlCharacter(value);
  if (c === null) return null;
  const names: Record<string, string> = { 'U+000A': 'a line feed', 'U+000D': 'a carriage return', 'U+0000': 'a NUL character', 'U+0009': 'a tab', 'U+2028': 'a line separator', 'U+2029': 'a paragraph separator', 'U+0085': 'a next-line character' };
  return `holds ${names[c] ?? 'a control character'} (${c}); it can never be part of this value`;
}

/** A zod refinement for values that can never hold control characters (entity IDs, URLs, NameID formats, attribute
 * names). Use as `safeConfigString(z.string().min(1).max(1024), 'entity ID')`. */
export function safeConfigString<T extends z.ZodString>(schema: T, what = 'This value'): T {
  return schema.superRefine((value, ctx) => {
    const reason = unsafeConfigStringReason(value);
    if (reason !== null) ctx.addIssue({ code: 'custom', message: `${what} ${reason}.` });
  });
}

/** The same check as a zod schema on its own: `SafeConfigString.parse(value)`. */
export const SafeConfigString = safeConfigString(z.string());
