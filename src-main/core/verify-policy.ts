// The verification policy the lab applies, assembled in one place from the SP settings (the ACS), a bundle's policy
// (replay, `verify --config`) or the verify command's flags — so the three can never drift apart.
import type { Sha1Policy, SignaturePolicy, SpProfileId } from '../contract/index.ts';
import type { VerifyPolicy } from './saml/context.ts';
import { policyForProfile } from './saml/sp-profiles.ts';

/** What the person chose (SP settings screen, a bundle's `policy`): the inputs of the policy. */
export interface PolicySettings {
  clockSkewSeconds: number;
  allowUnsolicited: boolean;
  signaturePolicy?: SignaturePolicy | undefined;
  sha1Policy?: Sha1Policy | undefined;
  /** The SP whose behaviour the verdict mirrors (its knobs; the settings above override the ones they name). */
  spProfile?: SpProfileId | undefined;
  /** The NameID format the SP asks for (a different one received warns). */
  nameIdFormat?: string | undefined;
}

/** Largest request body the ACS reads; anything larger is refused unread (request.body-size). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function verifyPolicyOf(settings: PolicySettings, limits: { maxResponseBytes?: number } = {}): VerifyPolicy {
  return policyForProfile(settings.spProfile ?? 'lab', {
    clockSkewSeconds: settings.clockSkewSeconds,
    allowUnsolicited: settings.allowUnsolicited,
    maxResponseBytes: limits.maxResponseBytes ?? MAX_BODY_BYTES,
    signaturePolicy: settings.signaturePolicy ?? 'either',
    sha1Policy: settings.sha1Policy ?? 'warn',
    ...(settings.nameIdFormat === undefined ? {} : { nameIdFormat: settings.nameIdFormat }),
  });
}
