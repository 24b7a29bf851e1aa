import { describe, expect, it } from 'vitest';
import { SpProfileId } from '../../contract/sp-profiles.ts';
import { resolvePolicy } from '../saml/policy.ts';
import { verifyPolicyOf } from '../verify-policy.ts';
import { ACS_RESPONSE_BYTES } from './saml-routes.ts';

describe('the ACS refuses an oversized SAMLResponse at the limit its verification applies', () => {
  it.each(SpProfileId.options)('SP profile %s', (spProfile) => {
    for (const settings of [{ clockSkewSeconds: 180, allowUnsolicited: true }, { clockSkewSeconds: 0, allowUnsolicited: false, signaturePolicy: 'both' as const, sha1Policy: 'reject' as const }]) {
      expect(resolvePolicy(verifyPolicyOf({ ...settings, spProfile })).limits.responseBytes).toBe(ACS_RESPONSE_BYTES);
    }
    expect(ACS_RESPONSE_BYTES).toBe(512 * 1024);
  });
});
