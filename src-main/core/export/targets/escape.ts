// Exports are data, never code. Every value a target writes goes through one of these, which either encodes it so
// the consumer's own parser reads back exactly that value, or refuses it with LabError('invalid-input') naming the
// field, the value and why. Values come from strangers (an IdP chooses its attribute names; SP settings and rules can
// be pasted from anywhere), so nothing here trusts its input. The property test (escape.property.test.ts) feeds
// hostile strings into every input of every target and reads the output back with each consumer's parser.
import { CONTROL_CHARACTERS, isWellFormedUnicode, unsafeConfigStringReason } from '../../../contract/safe-strings.ts';
import { LabError } from '../../errors.ts';

const CONTROL_G = new RegExp(CONTROL_CHARACTERS.source, 'gu');

/** A value as a message shows it: JSON-quoted (control characters visible), at most 80 characters. */
export function shown(value: string): string {
  const q = JSON.stringify(value).replace(/[\u2028\u2029\u0080-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return q.length > 82 ? `${q.slice(0, 79)}…"` : q;
}

export function refuse(field: string, value: string, why: string): never {
  throw new LabError('invalid-input', `Cannot export: ${field} ${shown(value)} ${why}. Nothing was exported; correct the value and export again.`, { field, value });
}

/** Entity IDs, URLs and NameID formats can never hold control characters or lone surrogates: refused in every
 * target (the contract's safe-strings refinement refuses them on input too; this guards stored and imported data). */
export function identifier(field: string, value: string): string {
  const reason = unsafeConfigStringReason(value);
  if (reason !== null) refuse(field, value, reason);
  return value;
}

function wellFormed(field: string, value: string): void {
  if (!isWellFormedUnicode(value)) refuse(field, value, 'holds a lone UTF-16 surrogate (not valid Unicode), which a UTF-8 file cannot hold');
}

/** A display label (an IdP's name): line breaks and other control characters become spaces. */
export function label(value: string): string {
  return value
    .replace(CONTROL_G, ' ')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Text inside a comment of any of the formats: control characters shown as \uXXXX (no line break can end the
 * comment), and the sequences that end a comment early in PHP (`?>`) or C-like languages (`*\/`) broken up. */
export function commentText(value: string): string {
  return value
    .replace(CONTROL_G, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\uD800-\uDFFF]/g, '\uFFFD')
    .replace(/\?>/g, '? >')
    .replace(/\*\//g, '* /');
}

const hexEscape = (c: string): string => `\\u{${c.codePointAt(0)!.toString(16)}}`;

/** A Ruby string literal: single-quoted (no interpolation; only `\` and `'` escaped) unless it holds control
 * characters, then double-quoted with `\`, `"` and `#` (interpolation: `#{`, `#@`, `#$`) escaped and control
 * characters as \n or \u{…} (a raw NUL, ^D or ^Z would end the script for Ruby's parser). */
export function rubyString(field: string, value: string): string {
  wellFormed(field, value);
  if (!CONTROL_CHARACTERS.test(value)) return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  return `"${value.replace(/[\\"#]/g, (c) => `\\${c}`).replace(CONTROL_G, (c) => (c === '\n' ? '\\n' : hexEscape(c)))}"`;
}

/** A PHP string literal: single-quoted (no interpolation; only `\` and `'` escaped) unless it holds control
 * characters, then double-quoted with `\`, `"` and `$` escaped and control characters as \n or \u{…}. */
export function phpString(field: string, value: string): string {
  wellFormed(field, value);
  if (!CONTROL_CHARACTERS.test(value)) return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`).replace(CONTROL_G, (c) => (c === '\n' ? '\\n' : hexEscape(c)))}"`;
}

/** JSON (and a JavaScript expression): JSON.stringify escapes quotes, backslashes, control characters and lone
 * surrogates; U+2028/U+2029 are escaped too, for JavaScript engines older than ES2019. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

// Grafana reads its ini with go-ini (gopkg.in/ini.v1) and default load options, then expands variables:
// - a value ends at the line break; there is no escape sequence for one (so control characters are refused);
// - unquoted, `#` or `;` anywhere starts a comment, the value is trimmed, a trailing `\` continues on the next line,
//   and one pair of surrounding "…" or '…' is stripped;
// - a value wrapped in backticks is taken literally up to the last backtick on the line;
// - Grafana then expands ${VAR}, $__env{…}, $__file{…} and $__vault{…} in every value (a value could read a file).
const INI_PLAIN = /^[^\s#;`"'\\](?:[^#;`]*[^\s#;`"'\\])?$/;

/** A value for Grafana's ini: as is when go-ini reads it back unchanged, else in backticks; refused when it holds
 * something go-ini or Grafana cannot take literally (control characters, backticks, `$`). */
export function grafanaIniValue(field: string, value: string): string {
  const reason = unsafeConfigStringReason(value);
  if (reason !== null) refuse(field, value, `${reason}; an ini value ends at a line break and has no escape for one`);
  if (value.includes('$')) refuse(field, value, 'holds "$": Grafana expands ${…} and $__env{…}/$__file{…} in its configuration, so it cannot be written literally');
  if (value.includes('`')) refuse(field, value, 'holds a backtick, which a Grafana ini value cannot quote');
  if (value === '' || INI_PLAIN.test(value)) return value;
  return `\`${value}\``;
}

/** Why one item of a Grafana space-separated list (role_values_*) cannot be written: Grafana splits these lists on
 * spaces and commas (and reads a leading `[` as a JSON list), so such an item would match other group names. */
export function grafanaListItemProblem(value: string): string | null {
  if (/[\s,]/.test(value)) return 'holds a space or a comma, which Grafana reads as a separator between group names';
  if (value.startsWith('[')) return 'starts with "[", which Grafana reads as the start of a JSON list';
  return null;
}

// XML 1.0 cannot carry most C0 characters at all (not even as character references), and attribute-value
// normalization turns TAB, LF and CR into spaces, so a value holding one would not read back as itself.
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text or an attribute value for XML: `& < > " '` escaped; control characters refused. */
export function xmlText(field: string, value: string): string {
  const reason = unsafeConfigStringReason(value);
  if (reason !== null) refuse(field, value, `${reason}; XML cannot carry it as itself`);
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** A table lookup that only finds the table's own keys (never "__proto__", "constructor"…). */
export function own<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
