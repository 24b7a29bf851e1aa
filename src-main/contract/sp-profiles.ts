// The verification policy's shared vocabulary, declared once: the SP settings, the bundle and the verifier import
// these. SP profiles (which SP stack the lab judges a response for) are data in core/saml/sp-profiles.ts; this file
// only names them.
import { z } from 'zod';

/** Where a valid signature must be: on the Response, the Assertion, both, or either (as long as it covers the assertion). */
export const SignaturePolicy = z.enum(['either', 'response', 'assertion', 'both']);
export type SignaturePolicy = z.infer<typeof SignaturePolicy>;

/** RSA-SHA1 / SHA-1 digests: a warning, or refused. */
export const Sha1Policy = z.enum(['warn', 'reject']);
export type Sha1Policy = z.infer<typeof Sha1Policy>;

/**
 * Which SP's behaviour the verifier mirrors: `lab` (the fail/warn rule, the default), `strict` (every deviation
 * fails, as the lab judged before the rule), or the documented defaults of one SP stack. The knobs each one sets,
 * with their sources, are in core/saml/sp-profiles.ts.
 */
export const SpProfileId = z.enum(['lab', 'strict', 'node-saml', 'gitlab', 'grafana', 'keycloak', 'simplesamlphp', 'shibboleth']);
export type SpProfileId = z.infer<typeof SpProfileId>;
