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
          ? 'The IdP signed with a certificate the metadata does not list. If the IdP rotated its key, reload its metadata; otherwise this response was forged.'
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
    if (!applies(ctx) || ctx.assertionCount !== 1 || ctx.duplicateIds.length > 0) return null;
    if (ctx.assertion) {
      const by = ctx.signatures.filter((s) => s.valid).map((s) => s.element).join(' and ');
      return pass('Response or Assertion signed', `signed: ${by}`);
    }
    return fail('Response or Assertion signed', 'no valid signature covers the assertion', 'Nothing from this assertion can be trusted. Make the IdP sign the assertion or the whole response.');
  },
};

export const keyInfoTrustedCheck: CheckModule = {
  id: 'signature.cert-in-metadata',
  title: 'Signing certificate is in the IdP metadata',
  run: (ctx) => {
    if (!applies(ctx) || ctx.signatures.length === 0 || !ctx.idp) return null;
    const untrusted = ctx.signatures.find((s) => s.keyInfoTrusted === false);
    if (untrusted) {
      return fail(
        trustedList(ctx),
        `SHA-256 ${untrusted.keyInfoCert ?? '?'}`,
        `The IdP signed with certificate SHA-256 ${shortFingerprint(untrusted.keyInfoCert ?? '')}; the loaded metadata lists ${trustedList(ctx)}. The IdP probably rotated its key: reload its metadata.`,
      );
    }
    const used = ctx.signatures.find((s) => s.verifiedBy)?.verifiedBy;
    return pass(trustedList(ctx), used ? `verified by ${shortFingerprint(used)}` : 'no certificate in KeyInfo');
  },
};

const WEAK = new Set(['http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1']);

export const algorithmCheck: CheckModule = {
  id: 'signature.algorithm',
  title: 'Signature and digest algorithms are strong',
  run: (ctx) => {
    if (!applies(ctx) || ctx.signatures.length === 0) return null;
    const algs = [...new Set(ctx.signatures.flatMap((s) => [s.signatureAlgorithm ?? '?', s.digestAlgorithm ?? '?']))];
    const weak = algs.filter((a) => WEAK.has(a));
    return weak.length > 0
      ? warn('RSA-SHA256 or stronger', algs.join(', '), 'SHA-1 is deprecated for signatures. Switch the IdP to RSA-SHA256 (e.g. ADFS relying-party "Secure hash algorithm").')
      : pass('RSA-SHA256 or stronger', algs.join(', '));
  },
};
