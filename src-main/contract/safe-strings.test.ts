// The control-character refusal the integrator applies to entity IDs, URLs and NameID formats (sp.update, rules).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isSafeConfigString, safeConfigString, unsafeConfigStringReason } from './safe-strings.ts';

describe('safe config strings', () => {
  it('refuses line breaks, NUL, other C0/C1 controls, U+2028/2029 and lone surrogates; keeps real values', () => {
    for (const bad of ['urn:sp\nallow_sign_up = true', 'a\rb', 'a\u0000', 'tab\there', 'del\u007f', 'nel\u0085', 'ls\u2028', 'ps\u2029', 'half\ud800']) {
      expect(isSafeConfigString(bad), JSON.stringify(bad)).toBe(false);
    }
    for (const good of ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', 'https://app.example/saml/acs?x=1&y=2', 'ürn:ß:😀', 'name with spaces', '#{x} ${y} <?php']) {
      expect(isSafeConfigString(good), good).toBe(true);
    }
    expect(unsafeConfigStringReason('a\nb')).toBe('holds a line feed (U+000A); it can never be part of this value');
  });

  it('as a zod refinement, names the value in the issue', () => {
    const EntityId = safeConfigString(z.string().min(1).max(1024), 'The SP entity ID');
    expect(EntityId.parse('urn:my:sp')).toBe('urn:my:sp');
    const r = EntityId.safeParse('urn:my:sp\n#{`id`}');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('The SP entity ID holds a line feed (U+000A); it can never be part of this value.');
  });
});
