// The demo IdP's scenarios: each one is a classic way SAML logins fail (or strain) in production, produced through
// the real signing path, and names the checks of the SP it trips with the SP's default settings. The table
// (SCENARIO_TABLE) is what the UI, the README and the tests read; each scenario's `build` turns the normal response
// for a user into the broken one.
import { generate } from 'selfsigned';
import type { DemoScenario, DemoScenarioParam } from '../../contract/demo.ts';
import { DEFAULT_LIMITS } from '../saml/limits.ts';
import type { KeyPair } from '../sp/keys.ts';
import { encryptAssertionFor, type ContentEncryption } from './assertion-encrypt.ts';
import { responseXml, type ResponseSpec } from './response-builder.ts';

export interface ScenarioInput {
  /** The normal response for the user, as the demo IdP would send it without a scenario. */
  spec: ResponseSpec;
  /** The scenario's parameter (seconds, count, kB), already clamped to its range; null when it has none. */
  value: number | null;
  spCertificatePem: string;
  /** A key pair the SP does not trust (made once, on first use). */
  otherKey: () => Promise<KeyPair>;
}

interface ScenarioDefinition extends DemoScenario {
  build: (input: ScenarioInput) => ResponseSpec | Promise<ResponseSpec>;
}

const ELSEWHERE_ACS = 'https://another-sp.example/saml/acs';
// The SP's hard limits (refused unread above them): the size and group scenarios stay under them, over-limit goes over.
const LIMIT_KB = Math.floor(DEFAULT_LIMITS.responseBytes / 1024);
/** Room left for the signatures and the rest of the document (a signed response without filler is ~6 kB). */
const MAX_PADDED_KB = LIMIT_KB - 8;
/** Each group is one element of ~70 bytes; the rest of a response is under 100 elements. */
const MAX_GROUPS = Math.min(5000, DEFAULT_LIMITS.elements - 200, Math.floor((DEFAULT_LIMITS.responseBytes - 16 * 1024) / 80));
const HOUR_MS = 3_600_000;

const at = (spec: ResponseSpec, offsetMs: number): Date => new Date(spec.now.getTime() + offsetMs);
const param = (name: string, label: string, dflt: number, min: number, max: number): DemoScenarioParam => ({ name, label, default: dflt, min, max });

function encrypted(algorithm: ContentEncryption, label: string, status: 'pass' | 'warn', note: string): ScenarioDefinition {
  return {
    id: `encrypted-${algorithm}`,
    title: `Encrypted assertion, ${label}`,
    description: `The assertion is encrypted for the SP certificate with ${label} (key wrapped with RSA-OAEP), then the Response is signed. Rehearses an IdP configured to encrypt: the SP must decrypt it. ${note}`,
    checks: ['assertion.decrypt'],
    status,
    verdict: 'accepted',
    param: null,
    build: ({ spec, spCertificatePem }) => ({
      ...spec,
      encryptFor: { certificatePem: spCertificatePem, encrypt: (xml) => encryptAssertionFor(xml, spCertificatePem, algorithm) },
    }),
  };
}

/** Group names: the user's own groups first (so roles still map), then generated ones up to `count`. */
function manyGroups(own: string[], count: number): string[] {
  const groups = own.slice(0, count);
  for (let i = 1; groups.length < count; i++) groups.push(`demo-group-${String(i).padStart(5, '0')}`);
  return groups;
}

/** The spec with a filler attribute, so that the unsigned XML is at least `kb` kB (signatures add ~2 kB more). */
function padded(spec: ResponseSpec, kb: number): ResponseSpec {
  const chunk = 'x'.repeat(1000);
  const per = `<saml:AttributeValue xsi:type="xs:string">${chunk}</saml:AttributeValue>`.length;
  const missing = kb * 1024 - Buffer.byteLength(responseXml(spec), 'utf8');
  const count = Math.max(1, Math.ceil(missing / per));
  return { ...spec, attributes: { ...spec.attributes, 'x-demo-padding': Array.from({ length: count }, () => chunk) } };
}

const SCENARIOS: readonly ScenarioDefinition[] = [
  {
    id: 'expired',
    title: 'Expired',
    description: 'Issued two hours ago with a five-minute lifetime: the assertion and its bearer confirmation expired long before it was posted (a replayed or long-delayed response).',
    checks: ['conditions.time-window', 'subject-confirmation.expiry'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: ({ spec }) => ({ ...spec, now: at(spec, -2 * HOUR_MS) }),
  },
  {
    id: 'not-yet-valid',
    title: 'Not yet valid',
    description: 'Conditions NotBefore is an hour in the future: what an SP sees from an IdP whose clock runs ahead.',
    checks: ['conditions.time-window'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: ({ spec }) => ({ ...spec, overrides: { ...spec.overrides, notBefore: at(spec, HOUR_MS) } }),
  },
  {
    id: 'clock-offset',
    title: 'IdP clock offset',
    description: 'The IdP clock is off by N seconds (negative: behind). Every instant shifts; the login fails once the offset exceeds the SP clock skew (default 180 s) ahead, or the 5-minute lifetime plus the skew behind.',
    checks: ['conditions.time-window'],
    status: 'fail',
    verdict: 'rejected',
    param: param('seconds', 'Offset in seconds', 3600, -7 * 86_400, 7 * 86_400),
    build: ({ spec, value }) => ({ ...spec, now: at(spec, (value ?? 0) * 1000) }),
  },
  {
    id: 'unsigned',
    title: 'Unsigned',
    description: 'Neither the Response nor the Assertion is signed (an IdP with signing switched off, or a forged post).',
    checks: ['signature.valid', 'signature.covers-assertion'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: ({ spec }) => ({ ...spec, signing: 'none' }),
  },
  {
    id: 'other-key',
    title: 'Signed with another key',
    description: 'Signed correctly, but by a key the IdP metadata does not list (an IdP that rotated its certificate before the SP reloaded the metadata, or a forgery).',
    checks: ['signature.cert-in-metadata', 'signature.valid'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: async ({ spec, otherKey }) => ({ ...spec, idpKeys: await otherKey() }),
  },
  {
    id: 'sha1',
    title: 'RSA-SHA1 signature',
    description: 'Signed with RSA-SHA1 (still the default of old ADFS relying parties). Warned with the default SHA-1 policy, refused when the SP policy is set to reject SHA-1.',
    checks: ['signature.algorithm'],
    status: 'warn',
    verdict: 'accepted',
    param: null,
    build: ({ spec }) => ({ ...spec, signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' }),
  },
  {
    id: 'wrong-audience',
    title: 'Wrong audience',
    description: 'The assertion is restricted to another SP entity ID (the IdP app was set up with a wrong or old Identifier / Audience URI).',
    checks: ['audience'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: ({ spec }) => ({ ...spec, overrides: { ...spec.overrides, audience: 'https://another-sp.example/metadata' } }),
  },
  {
    id: 'wrong-destination',
    title: 'Wrong Destination',
    description: `The Response's Destination is another ACS URL (${ELSEWHERE_ACS}): the IdP's Reply URL points elsewhere.`,
    checks: ['destination'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: ({ spec }) => ({ ...spec, overrides: { ...spec.overrides, destination: ELSEWHERE_ACS } }),
  },
  {
    id: 'wrong-recipient',
    title: 'Wrong Recipient',
    description: `The bearer SubjectConfirmationData Recipient is another ACS URL (${ELSEWHERE_ACS}); the Destination is right.`,
    checks: ['subject-confirmation.recipient'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: ({ spec }) => ({ ...spec, overrides: { ...spec.overrides, recipient: ELSEWHERE_ACS } }),
  },
  {
    id: 'wrong-issuer',
    title: 'Wrong issuer',
    description: 'Response and Assertion name an IdP entity ID the SP does not know (an IdP whose entity ID changed, or metadata for another tenant).',
    checks: ['issuer.known'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: ({ spec }) => ({ ...spec, overrides: { ...spec.overrides, issuer: 'https://unknown-idp.example/saml' } }),
  },
  {
    id: 'status-failure',
    title: 'Status: Responder / AuthnFailed',
    description: 'The IdP answers with a failure status (top-level Responder, second-level AuthnFailed and a message), as IdPs do when the user is not assigned to the app.',
    checks: ['status.success'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: ({ spec }) => ({
      ...spec,
      overrides: {
        ...spec.overrides,
        statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
        statusSubCode: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
        statusMessage: 'The user is not assigned to this application (demo IdP scenario).',
      },
    }),
  },
  encrypted('aes128-gcm', 'AES-128-GCM', 'pass', 'Authenticated encryption: what the SP should ask for.'),
  encrypted('aes256-gcm', 'AES-256-GCM', 'pass', 'Authenticated encryption: what the SP should ask for.'),
  encrypted('aes128-cbc', 'AES-128-CBC', 'warn', 'Decrypted, but CBC is malleable: warned (node-saml refuses it).'),
  encrypted('aes256-cbc', 'AES-256-CBC', 'warn', 'Decrypted, but CBC is malleable: warned (node-saml refuses it).'),
  encrypted('tripledes-cbc', '3DES-CBC (tripledes-cbc)', 'warn', 'Legacy ADFS and Shibboleth 2 default; deprecated, warned (node-saml refuses it).'),
  {
    id: 'groups',
    title: 'N groups',
    description: 'The groups attribute carries N values (the user\'s own groups first). Around 180 groups a form no longer fits an 8 KiB header; 1,000 groups make a ~300 KB form.',
    checks: ['groups.count'],
    status: 'warn',
    verdict: 'accepted',
    param: param('count', 'Number of groups', 200, 1, MAX_GROUPS),
    build: ({ spec, value }) => ({ ...spec, attributes: { ...spec.attributes, groups: manyGroups(spec.attributes.groups ?? [], value ?? 200) } }),
  },
  {
    id: 'groups-overage',
    title: 'Entra ID group overage',
    description: 'What Entra ID sends above 150 groups: no groups attribute, only a http://schemas.microsoft.com/claims/groups.link claim pointing at Microsoft Graph. An SP that reads groups from the token sees none.',
    checks: ['groups.overage'],
    status: 'warn',
    verdict: 'accepted',
    param: null,
    build: ({ spec }) => {
      const { groups: _dropped, ...rest } = spec.attributes;
      return {
        ...spec,
        attributes: {
          ...rest,
          'http://schemas.microsoft.com/claims/groups.link': ['https://graph.windows.net/00000000-0000-0000-0000-000000000000/users/11111111-1111-1111-1111-111111111111/getMemberObjects'],
        },
      };
    },
  },
  {
    id: 'oversized',
    title: 'Oversized response',
    description: `The decoded response is padded to about N kB with a filler attribute: above what downstream stacks accept (Jetty 200 KB forms, ruby-saml ~187 KB decoded), below the lab's own ${LIMIT_KB} KiB hard limit.`,
    checks: ['response.size'],
    status: 'warn',
    verdict: 'accepted',
    param: param('kb', 'Decoded size in kB', 300, 1, MAX_PADDED_KB),
    build: ({ spec, value }) => padded(spec, value ?? 300),
  },
  {
    id: 'over-limit',
    title: 'Over the hard size limit',
    description: `A decoded response a fifth over the lab's hard limit (${LIMIT_KB} KiB): refused before any XML parser sees it, as a 4 MB hostile post would be.`,
    checks: ['limits.response-bytes'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: ({ spec }) => padded(spec, Math.ceil(LIMIT_KB * 1.2)),
  },
  {
    id: 'duplicate-attribute',
    title: 'Ambiguous attribute',
    description: 'The email attribute appears twice with different values (as when an IdP maps two sources to one claim). An SP that silently takes the first value provisions whichever comes first.',
    checks: ['attributes.unique'],
    status: 'fail',
    verdict: 'rejected',
    param: null,
    build: ({ spec }) => ({ ...spec, extraAttributes: [...(spec.extraAttributes ?? []), { name: 'email', values: ['mallory@example.com'] }] }),
  },
];

/** The scenario table without the builders: what the API, the UI and the README show. */
export const SCENARIO_TABLE: readonly DemoScenario[] = SCENARIOS.map(({ build: _build, ...row }) => row);

export function findScenario(id: string): DemoScenario | null {
  return SCENARIO_TABLE.find((s) => s.id === id) ?? null;
}

/** Reads a scenario's parameter from a query or form (its own name, or `n`), clamped to its range; null when the
 * scenario has none. Junk (non-numbers) gives the default. */
export function scenarioValue(scenario: DemoScenario, params: URLSearchParams): number | null {
  const p = scenario.param;
  if (!p) return null;
  const raw = (params.get(p.name) ?? params.get('n') ?? '').trim();
  const n = /^[+-]?\d{1,9}$/.test(raw) ? Number(raw) : p.default;
  return Math.min(p.max, Math.max(p.min, n));
}

/** The response spec for a scenario, from the normal one. */
export async function applyScenario(id: string, input: ScenarioInput): Promise<ResponseSpec> {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new Error(`unknown scenario ${id}`);
  return scenario.build(input);
}

/** A key pair nobody trusts, for the "signed with another key" scenario. */
export async function makeUntrustedKey(): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: 'Not the Demo IdP' }], { keySize: 2048, algorithm: 'sha256' });
  return { privateKeyPem: pems.private, certificatePem: pems.cert };
}
