// SP profiles: the verification knobs set to what one SP stack does BY DEFAULT, so the lab's verdict predicts what
// that SP would do with the same response. Each value cites where it was read (library source at the version named,
// or the product's documentation). Where a default could not be confirmed from a source, the profile keeps the lab's
// own value and says "not confirmed" — never a guess.
//
// What no profile relaxes: a signature that does not verify with a metadata key, a response no valid signature
// covers, a wrong Audience / Recipient / Issuer, expiry, replay, DOCTYPEs, duplicate IDs, signature wrapping and the
// hard limits. Those are security failures (README, "Fail or warn"), whatever an SP's default: e.g. Keycloak's
// "Validate Signatures" switch is off on a new SAML identity provider, but the lab never mirrors an SP that accepts
// unsigned responses.
import type { SpProfileId } from '../../contract/sp-profiles.ts';
import type { VerifyPolicy } from './context.ts';
import { ALL_CONTENT_ALGORITHMS, ALL_KEY_TRANSPORT_ALGORITHMS } from './policy.ts';
import { ENC } from './xmlenc.ts';

/** Every knob a profile sets (the SP's own entity ID, ACS URL and NameID format stay the SP settings'). */
export type ProfileKnobs = Required<Omit<VerifyPolicy, 'maxResponseBytes' | 'nameIdFormat' | 'limits'>>;

export interface SpProfile {
  id: SpProfileId;
  name: string;
  /** What the profile mirrors, and the version its sources describe. */
  description: string;
  knobs: ProfileKnobs;
}

const GCM_ONLY = [ENC.aes128gcm, ENC.aes256gcm] as const;

/** The fail/warn rule: security failures fail, deviations some SPs accept warn and name who refuses them. */
const LAB: ProfileKnobs = {
  signaturePolicy: 'either',
  sha1Policy: 'warn',
  clockSkewSeconds: 180,
  allowUnsolicited: true,
  requireAuthnStatement: false,
  keyInfo: 'warn',
  schema: 'lenient-ids',
  encryptionAlgorithms: ALL_CONTENT_ALGORITHMS,
  keyTransportAlgorithms: ALL_KEY_TRANSPORT_ALGORITHMS,
  audience: 'required',
  destination: 'if-present',
  inResponseTo: 'strict',
  duplicateAttributes: 'fail-on-conflict',
  maxIssueDelaySeconds: null,
};

export const SP_PROFILES: Record<SpProfileId, SpProfile> = {
  lab: {
    id: 'lab',
    name: 'Lab (fail vs warn rule)',
    description: 'Fails security failures and what every mainstream SP refuses; warns on deviations some SPs accept, naming which.',
    knobs: LAB,
  },

  strict: {
    id: 'strict',
    name: 'Strict',
    description: 'Every deviation fails: how the lab judged every response before the fail/warn rule, plus SHA-1 refused.',
    knobs: {
      ...LAB,
      sha1Policy: 'reject',
      requireAuthnStatement: true,
      keyInfo: 'reject',
      schema: 'strict',
      // Before tripledes-cbc support the lab decrypted AES-GCM and AES-CBC only.
      encryptionAlgorithms: [ENC.aes128gcm, ENC.aes256gcm, ENC.aes128cbc, ENC.aes256cbc],
      destination: 'strict',
      duplicateAttributes: 'fail',
    },
  },

  'node-saml': {
    id: 'node-saml',
    name: 'node-saml / passport-saml',
    description: '@node-saml/node-saml 5.1 (what passport-saml 5 wraps) with its default options.',
    knobs: {
      // saml.js initialize(): wantAuthnResponseSigned defaults to true, wantAssertionsSigned to
      // DEFAULT_WANT_ASSERTIONS_SIGNED = true (constants.js): both must be signed.
      signaturePolicy: 'both',
      // xml-crypto verifies rsa-sha1 / sha1 and node-saml sets no algorithm allow-list.
      sha1Policy: 'warn',
      // saml.js initialize(): acceptedClockSkewMs ?? 0.
      clockSkewSeconds: 0,
      // saml.js initialize(): validateInResponseTo ?? ValidateInResponseTo.never: no request state, so IdP-initiated
      // responses and unknown InResponseTo values are accepted.
      allowUnsolicited: true,
      inResponseTo: 'off',
      // processValidlySignedAssertionAsync() reads AuthnStatement only for SessionIndex: optional.
      requireAuthnStatement: false,
      // getVerifiedXml() verifies with each configured idpCert (sig.publicCert = pemFile): KeyInfo is ignored.
      keyInfo: 'warn',
      // node-saml parses with @xmldom/xmldom and validates no schema.
      schema: 'off',
      // xml.js decryptXml() calls xml-encryption 4 decrypt() with { key } only, so disallowDecryptionWithInsecureAlgorithm
      // stays on: aes128-cbc, aes256-cbc, tripledes-cbc and rsa-1_5 are refused ("is not secure, fail to decrypt").
      encryptionAlgorithms: GCM_ONLY,
      keyTransportAlgorithms: ALL_KEY_TRANSPORT_ALGORITHMS,
      // audience defaults to the issuer option; checkAudienceValidityError() fails "SAML assertion has no AudienceRestriction".
      audience: 'required',
      // validatePostResponseAsync() never reads Destination.
      destination: 'off',
      // profile.attributes[name] is overwritten by a later attribute with the same Name: accepted.
      duplicateAttributes: 'warn',
      // maxAssertionAgeMs defaults to 0 (no limit beyond NotOnOrAfter).
      maxIssueDelaySeconds: null,
    },
  },

  gitlab: {
    id: 'gitlab',
    name: 'GitLab (omniauth-saml / ruby-saml)',
    description: 'omniauth-saml as GitLab uses it, on ruby-saml 1.13 defaults (Debian bookworm ruby-saml 1.13.0).',
    knobs: {
      // response.rb validate_signed_elements: one or two signatures on Response/Assertion; want_assertions_signed
      // defaults to false (settings.rb DEFAULTS[:security]).
      signaturePolicy: 'either',
      // xml_security.rb verifies RSA-SHA1 (its own default digest/signature method is SHA1).
      sha1Policy: 'warn',
      // response.rb allowed_clock_drift: options[:allowed_clock_drift].to_f (0 unless the app passes it; omniauth-saml
      // passes only the options the admin configured).
      clockSkewSeconds: 0,
      // omniauth-saml handle_response() passes no :matches_request_id, and validate_in_response_to returns true
      // without it: unsolicited and unknown InResponseTo are accepted.
      allowUnsolicited: true,
      inResponseTo: 'off',
      // response.rb validate_one_authnstatement: "The Assertion must include one AuthnStatement element".
      requireAuthnStatement: true,
      // xml_security.rb validate_document_with_cert: "Certificate of the Signature element does not match provided
      // certificate"; an unreadable one: "Document Certificate Error".
      keyInfo: 'reject',
      // response.rb validate_structure: valid_saml? validates against the SAML protocol XSD.
      schema: 'strict',
      // utils.rb retrieve_plaintext: tripledes-cbc, aes128/192/256-cbc, aes128/192/256-gcm.
      encryptionAlgorithms: ALL_CONTENT_ALGORITHMS,
      keyTransportAlgorithms: ALL_KEY_TRANSPORT_ALGORITHMS,
      // response.rb validate_audience: `return true if audiences.empty?`.
      audience: 'if-present',
      // response.rb validate_destination: `return true if destination.nil?`; a mismatch fails.
      destination: 'if-present',
      // check_duplicated_attributes is off unless passed: duplicates are accepted.
      duplicateAttributes: 'warn',
      // ruby-saml compares IssueInstant with nothing but the clock drift (no maximum age).
      maxIssueDelaySeconds: null,
    },
  },

  grafana: {
    id: 'grafana',
    name: 'Grafana (crewjam/saml)',
    description: 'Grafana Enterprise / Cloud SAML with its documented defaults; response checks as crewjam/saml ServiceProvider performs them.',
    knobs: {
      // crewjam/saml validateSigned(): "either the Response or Assertion must be signed", every signature present must verify.
      signaturePolicy: 'either',
      // goxmldsig (crewjam's verifier) knows RSA-SHA1 (crewjam itself offers dsig.RSASHA1SignatureMethod).
      sha1Policy: 'warn',
      // crewjam/saml MaxClockSkew: "defaults to 180 seconds (matches shibboleth)".
      clockSkewSeconds: 180,
      // crewjam/saml `var MaxIssueDelay = time.Second * 90`, checked against the Response and the Assertion
      // IssueInstant (validateXMLResponse, validateAssertion); Grafana exposes it as max_issue_delay.
      maxIssueDelaySeconds: 90,
      // Grafana docs, SAML configuration options: allow_idp_initiated defaults to false; crewjam then requires
      // InResponseTo to be one of the possible request IDs (validateXMLResponse, validateAssertion).
      allowUnsolicited: false,
      inResponseTo: 'strict',
      // crewjam validateAssertion() does not look for an AuthnStatement.
      requireAuthnStatement: false,
      // goxmldsig verifyCertificate(): a KeyInfo certificate not among the trusted roots fails
      // "Could not verify certificate against trusted certs".
      keyInfo: 'reject',
      // crewjam only checks well-formedness (xrv.Validate) before encoding/xml unmarshalling: no XSD.
      schema: 'off',
      // Not confirmed from a source: lab default (every algorithm the lab decrypts).
      encryptionAlgorithms: ALL_CONTENT_ALGORITHMS,
      keyTransportAlgorithms: ALL_KEY_TRANSPORT_ALGORITHMS,
      // validateAssertion(): audienceRestrictionsValid := len(AudienceRestrictions) == 0, then compared.
      audience: 'if-present',
      // validateDestination(): "If the response is signed, the Destination is required to be present."
      destination: 'strict',
      // Not confirmed from a source: lab default.
      duplicateAttributes: 'fail-on-conflict',
    },
  },

  keycloak: {
    id: 'keycloak',
    name: 'Keycloak (SAML identity broker)',
    description: 'A Keycloak SAML identity provider (broker) with "Validate Signatures" on and its other defaults (SAMLEndpoint, ConditionsValidator, DestinationValidator).',
    knobs: {
      // SAMLEndpoint.handleLoginResponse: with wantAssertionsSigned off (default), a signed Response or a signed
      // Assertion is enough (PostBinding.verifySignature relaxes to the assertion's signature).
      signaturePolicy: 'either',
      // Not confirmed from a source: lab default.
      sha1Policy: 'warn',
      // Keycloak identity-provider config getAllowedClockSkew(): 0 when the option is unset.
      clockSkewSeconds: 0,
      // IdP-initiated logins are accepted on the broker endpoint (SAMLEndpoint keeps the client id of
      // .../endpoint/clients/{id}), and handleLoginResponse does not compare InResponseTo with a sent request.
      allowUnsolicited: true,
      inResponseTo: 'off',
      // handleLoginResponse: `AuthnStatementType authn = null` … used only when present.
      requireAuthnStatement: false,
      // Keys come from the configured signing certificates (getIDPKeyLocator()); KeyInfo only names a key.
      keyInfo: 'warn',
      // Keycloak parses SAML with its own StAX parsers, without XSD validation; structural errors still fail there.
      schema: 'lenient-ids',
      // Not confirmed from a source: lab default (every algorithm the lab decrypts).
      encryptionAlgorithms: ALL_CONTENT_ALGORITHMS,
      keyTransportAlgorithms: ALL_KEY_TRANSPORT_ALGORITHMS,
      // ConditionsValidator validates each AudienceRestriction present; none present is valid.
      audience: 'if-present',
      // DestinationValidator.validate(): "destination is optional" (null is valid); a mismatch fails.
      destination: 'if-present',
      // Not confirmed from a source: lab defaults.
      duplicateAttributes: 'fail-on-conflict',
      maxIssueDelaySeconds: null,
    },
  },

  simplesamlphp: {
    id: 'simplesamlphp',
    name: 'SimpleSAMLphp SP',
    description: 'SimpleSAMLphp 1.19 as an SP (saml:SP auth source; Debian bookworm simplesamlphp 1.19.7).',
    knobs: {
      // modules/saml/lib/Message.php processAssertion(): "Neither the assertion nor the response was signed." only
      // when neither is.
      signaturePolicy: 'either',
      // xmlseclibs verifies RSA-SHA1; no algorithm blacklist for signatures by default.
      sha1Policy: 'warn',
      // processAssertion(): assertion.allowed_clock_skew, default 180 (clamped to 180–300).
      clockSkewSeconds: 180,
      // www/sp/saml2-acs.php: an InResponseTo whose state cannot be loaded is "Processing response as unsolicited";
      // unsolicited responses are accepted.
      allowUnsolicited: true,
      inResponseTo: 'off',
      // processAssertion() does not require an AuthnStatement.
      requireAuthnStatement: false,
      // Message::checkSign() validates with each metadata key; KeyInfo certificates are used only with the deprecated
      // certFingerprint option.
      keyInfo: 'warn',
      // simplesamlphp/saml2 does not validate the XML schema.
      schema: 'off',
      // getBlacklistedAlgorithms(): encryption.blacklisted-algorithms defaults to [RSA_1_5] only.
      encryptionAlgorithms: ALL_CONTENT_ALGORITHMS,
      keyTransportAlgorithms: ALL_KEY_TRANSPORT_ALGORITHMS,
      // processAssertion(): `if ($validAudiences !== null)`.
      audience: 'if-present',
      // processResponse(): `if ($msgDestination !== null && $msgDestination !== $currentURL)`.
      destination: 'if-present',
      // Not confirmed from a source: lab defaults.
      duplicateAttributes: 'fail-on-conflict',
      maxIssueDelaySeconds: null,
    },
  },

  shibboleth: {
    id: 'shibboleth',
    name: 'Shibboleth SP',
    description: 'Shibboleth SP 3 with the default shibboleth2.xml. Only the values below with a source are confirmed; the rest are the lab\'s.',
    knobs: {
      ...LAB,
      // SP3 wiki, SPConfig: clockSkew (time in seconds) defaults to 180.
      clockSkewSeconds: 180,
      // SP wiki, NativeSPSecurityPolicies: <Policy validate="false"> — schema validation of incoming messages
      // defaults to false.
      schema: 'off',
      // Signature placement, AuthnStatement, unsolicited SSO, InResponseTo, KeyInfo, Audience, Destination and
      // encryption algorithm defaults: not confirmed from a source here; the lab's values stand.
    },
  },
};

/**
 * The VerifyPolicy for a profile. `overrides` are the person's own SP settings where they differ from the profile
 * (e.g. a clock skew set on the Service provider screen); the hard limits and the NameID format come from the caller.
 */
export function policyForProfile(id: SpProfileId, base: Pick<VerifyPolicy, 'maxResponseBytes'> & Partial<VerifyPolicy>): VerifyPolicy {
  return { ...SP_PROFILES[id].knobs, ...base };
}
