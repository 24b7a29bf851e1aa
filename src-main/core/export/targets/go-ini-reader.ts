// Test support: reads an ini file the way Grafana does, i.e. with go-ini (gopkg.in/ini.v1) and its default load
// options, to prove that what grafana-saml.ini says is what Grafana will read. No Go toolchain here, so the rules
// are restated from go-ini's parser (parser.go readValue) rather than run:
// - lines are trimmed on the left; empty lines and lines starting with `#` or `;` are comments;
// - `[name]` opens a section; otherwise `key = value` (the first `=` or `:` ends the key, both sides trimmed);
// - a value starting with `"""` or a backtick is literal up to the LAST such quote on the line (none: it continues
//   on the next lines, which we refuse: the export never writes multi-line values);
// - otherwise the value is trimmed, a trailing `\` continues it on the next line (refused here, never written),
//   `#` or `;` anywhere starts an inline comment, and one pair of surrounding "…" or '…' is removed;
// - a duplicate key is refused here (go-ini would keep one silently: an export must never write one twice).
// Grafana then expands ${VAR} and $__env{…}/$__file{…}/$__vault{…} in every value: a value with `$` is reported.

export type GoIni = Record<string, Record<string, string>>;

/** Unicode white space as Go's unicode.IsSpace sees it. */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const trimLeft = (s: string): string => {
  let i = 0;
  while (i < s.length && GO_SPACE.test(s[i]!)) i++;
  return s.slice(i);
};
const trimRight = (s: string): string => {
  let i = s.length;
  while (i > 0 && GO_SPACE.test(s[i - 1]!)) i--;
  return s.slice(0, i);
};

export function readGoIni(text: string): GoIni {
  const out: GoIni = {};
  let section: Record<string, string> = (out.DEFAULT = {});
  text.split('\n').forEach((raw, n) => {
    const where = `line ${n + 1}`;
    const line = trimLeft(raw);
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    if (line.startsWith('[')) {
      const close = line.indexOf(']');
      if (close < 0) throw new Error(`${where}: unclosed section header`);
      const name = line.slice(1, close).trim();
      if (out[name] && name !== 'DEFAULT') throw new Error(`${where}: section [${name}] twice`);
      section = out[name] ??= {};
      return;
    }
    const eq = line.search(/[=:]/);
    if (eq < 0) throw new Error(`${where}: not a key = value line: ${JSON.stringify(line)}`);
    const key = trimRight(line.slice(0, eq));
    if (Object.hasOwn(section, key)) throw new Error(`${where}: duplicate key ${key}`);
    section[key] = readValue(line.slice(eq + 1), where);
  });
  if (Object.keys(out.DEFAULT!).length === 0) delete out.DEFAULT;
  return out;
}

function readValue(rest: string, where: string): string {
  let line = trimLeft(rest);
  if (line === '') return '';
  const quote = line.startsWith('"""') ? '"""' : line.startsWith('`') ? '`' : null;
  if (quote) {
    const body = line.slice(quote.length);
    const end = body.lastIndexOf(quote);
    if (end < 0) throw new Error(`${where}: a multi-line ${quote} value`);
    return body.slice(0, end);
  }
  line = trimRight(line);
  if (line.endsWith('\\')) throw new Error(`${where}: a continuation line (value ends with a backslash)`);
  const comment = line.search(/[#;]/);
  if (comment >= 0) line = line.slice(0, comment);
  if (line.length >= 2 && ((line.startsWith("'") && line.endsWith("'")) || (line.startsWith('"') && line.endsWith('"')))) line = line.slice(1, -1);
  return line;
}
