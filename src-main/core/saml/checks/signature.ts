// Signature checks: something valid covers the assertion we read, nothing present fails, keys only from metadata.
import { shortFingerprint } from '../../util/cert.ts';
import type { CheckModule } from './check.ts';
import { fail, pass, warn } from './check.ts';
import type { ResponseContext } from '../context.ts';

const applies = (ctx: ResponseContext): boolean => ctx.root !== null && ctx.schema !== null;

function trustedList(ctx: ResponseContext): string {
  const certs = ctx.idp?.certificates.filter((c) => c.use !== 'encryption') ?? [];
  return certs.length === 0 ? 'no certificate' : certs.map((c) => shortFingerprint(c.fingerprintSha256)).join(', ');
}

export const signaturesValidCheck: CheckModule = {
  id: 'signature.valid',
  title: 'Every signature verifies',
  run: (ctx) => {
    if (!applies(ctx)) return null;
    if (ctx.signatures.length === 0) {
      return fail('a valid signature by the IdP', 'no signature', 'The response is unsigned. Configure the IdP to sign the assertion (or the response) for this SP.');
    }
    const bad = ctx.signatures.find((s) => !s.valid);
    if (bad) {
      return fail(
        `signature on <${bad.element}> valid with ${trustedList(ctx)}`,
        bad.problem ?? 'invalid',
        bad.keyInfoTrusted === false
          ? `No metadata key verifies this signature, and its KeyInfo names another certificate. ${TWO_POSSIBILITIES}`
          : 'A signature does not verify: the response was modified after signing, or signed with a key this metadata does not list.',
      );
    }
    const which = ctx.signatures.map((s) => `<${s.element}> by ${shortFingerprint(s.verifiedBy ?? '')}`).join('; ');
    return pass('every signature valid with a metadata certificate', which);
  },
};

export const signatureCoversAssertionCheck: CheckModule = {
  id: 'signature.covers-assertion',
  title: 'A valid signature covers the assertion',
  run: (ctx) => {
    const one = (ctx.assertionCount === 1 && ctx.encryptedAssertionCount === 0) || (ctx.assertionCount === 0 && ctx.decryption?.ok === true);
    if (!applies(ctx) || !one || ctx.duplicateIds.length > 0) return null;
    if (ctx.assertion) {
      const by = ctx.signatures.filter((s) => s.valid).map((s) => s.element).join(' and ');
      return pass('Response or Assertion signed', `signed: ${by}`);
    }
    return fail('Response or Assertion signed', 'no valid signature covers the assertion', 'Nothing from this assertion can be trusted. Make the IdP sign the assertion or the whole response.');
  },
};

/** Said whenever a signature names a certificate the metadata does not list: never nudge toward trusting it. */
const TWO_POSSIBILITIES =
  'Either the IdP rolled over to a new signing key and the metadata loaded here is stale, or the response was forged by someone else\'s key. ' +
  'To tell them apart, get the IdP\'s current metadata from the IdP itself (its metadata URL over HTTPS, or its admin console) — never from this response — and compare fingerprints: ' +
  're-import it only if it lists this fingerprint. Never add a certificate to the trust because a response carried it.';

export const keyInfoTrustedCheck: CheckModule = {
  id: 'signature.cert-in-metadata',
  title: 'Signing certificate is in the IdP metadata',
  run: (ctx) => {
    if (!applies(ctx) || ctx.signatures.length === 0 || !ctx.idp) return null;
    const strict = ctx.policy.keyInfo === 'reject';
    // A signature that does not verify matters more than one whose KeyInfo is merely wrong.
    const oddOnes = ctx.signatures.filter((s) => s.keyInfoUnreadable || s.keyInfoTrusted === false);
    const odd = oddOnes.find((s) => !s.valid) ?? oddOnes[0];
    if (odd) {
      const received = odd.keyInfoUnreadable ? 'KeyInfo holds no readable X.509 certificate' : `KeyInfo: SHA-256 ${odd.keyInfoCert ?? '?'}`;
      if (!odd.valid) {
        // The signature does not verify with any metadata key (signature.valid fails): a rollover or a forgery.
        return fail(trustedList(ctx), received, odd.keyInfoUnreadable
          ? 'The signature verifies with no metadata key, and its KeyInfo certificate is unreadable (often a PEM text base64-encoded again). The metadata certificate is what is trusted: check that the IdP signs with the key its metadata publishes.'
          : `The signature names certificate SHA-256 ${shortFingerprint(odd.keyInfoCert ?? '')}, which the loaded metadata (${trustedList(ctx)}) does not list, and no metadata key verifies it. ${TWO_POSSIBILITIES}`);
      }
      // The signature verifies with a metadata key: KeyInfo is only a hint, and this one is wrong.
      const by = `verified by metadata certificate ${shortFingerprint(odd.verifiedBy ?? '')}`;
      const hint = odd.keyInfoUnreadable
        ? `The signature verifies with ${by.replace('verified by ', '')}, but its KeyInfo holds no readable X.509 certificate (often a PEM text base64-encoded again). node-saml and pysaml2 ignore KeyInfo and accept this; ruby-saml (GitLab) reads KeyInfo and refuses it ("Document Certificate Error"). Fix the IdP's signing certificate configuration.`
        : `The signature verifies with ${by.replace('verified by ', '')}, but its KeyInfo carries another certificate (SHA-256 ${shortFingerprint(odd.keyInfoCert ?? '')}), e.g. a chain or a stale copy. KeyInfo is never trusted here. node-saml and pysaml2 ignore KeyInfo and accept this; ruby-saml (GitLab) compares the KeyInfo certificate with its configured one and refuses it ("Fingerprint mismatch" / "Certificate of the Signature element does not match"), and so does crewjam/saml (Grafana: "Could not verify certificate against trusted certs"). Make the IdP put its signing certificate in KeyInfo (or none).`;
      return strict ? fail(`${trustedList(ctx)} (KeyInfo must name it: policy)`, `${received}; ${by}`, hint) : warn(trustedList(ctx), `${received}; ${by}`, hint);
    }
    const used = ctx.signatures.find((s) => s.verifiedBy)?.verifiedBy;
    return pass(trustedList(ctx), used ? `verified by ${shortFingerprint(used)}` : 'no certificate in KeyInfo');
  },
};

const WEAK = new Set(['http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1']);
const KNOWN = new Set([
  ...WEAK,
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512',
]);

export const algorithmCheck: CheckModule = {
  id: 'signature.algorithm',
  title: 'Signature and digest algorithms are strong',
  run: (ctx) => {
    if (!applies(ctx) || ctx.signatures.length === 0) return null;
    const checked = ctx.signatures.filter((s) => s.checked);
    if (checked.length === 0) return null;
    const algs = [...new Set(checked.flatMap((s) => [s.signatureAlgorithm ?? '(none)', s.digestAlgorithm ?? '(none)']))];
    const unknown = algs.filter((a) => !KNOWN.has(a));
    if (unknown.length > 0) return fail('RSA-SHA256 or stronger', algs.join(', '), `Unknown or unsupported algorithm ${unknown.join(', ')}: refused. Configure the IdP to sign with RSA-SHA256.`);
    const weak = algs.filter((a) => WEAK.has(a));
    if (weak.length === 0) return pass('RSA-SHA256 or stronger', algs.join(', '));
    const hint = 'SHA-1 is deprecated for signatures. Switch the IdP to RSA-SHA256 (e.g. ADFS relying-party "Secure hash algorithm").';
    return ctx.policy.sha1Policy === 'reject' ? fail('RSA-SHA256 or stronger (SHA-1 refused by policy)', algs.join(', '), hint) : warn('RSA-SHA256 or stronger', algs.join(', '), hint);
  },
};

export const keyStrengthCheck: CheckModule = {
  id: 'signature.key-strength',
  title: 'The signing key is strong enough',
  run: (ctx) => {
    const bits = ctx.signatures.map((s) => s.keyBits).filter((b): b is number => b !== null);
    if (!applies(ctx) || bits.length === 0) return null;
    const weakest = Math.min(...bits);
    return weakest >= 2048
      ? pass('RSA 2048 bits or more', `RSA ${weakest} bits`)
      : warn('RSA 2048 bits or more', `RSA ${weakest} bits`, 'Keys under 2048 bits can be factored by well-funded attackers. Ask the IdP to roll over to a 2048-bit (or larger) signing key.');
  },
};

export const signaturePolicyCheck: CheckModule = {
  id: 'signature.policy',
  title: 'Signed where the policy requires',
  run: (ctx) => {
    if (!applies(ctx) || !ctx.assertion) return null;
    const policy = ctx.policy.signaturePolicy;
    const response = ctx.responseSigned;
    const assertion = ctx.signatures.some((s) => s.valid && s.element.startsWith('Assertion'));
    const received = [response ? 'Response' : null, assertion ? 'Assertion' : null].filter(Boolean).join(' and ') || 'nothing';
    const ok = policy === 'either' ? response || assertion : policy === 'both' ? response && assertion : policy === 'response' ? response : assertion;
    const expected = { either: 'Response or Assertion signed', both: 'Response and Assertion signed', response: 'Response signed', assertion: 'Assertion signed' }[policy];
    return ok ? pass(expected, `signed: ${received}`) : fail(expected, `signed: ${received}`, `The policy requires ${expected.toLowerCase()}. Change the IdP's signing option (sign response / assertion / both), or relax the policy.`);
  },
};
