// The lab's own SP: its settings (entity ID, NameID format, clock skew, unsolicited logins, signature policies),
// the URLs that follow from the listener, and the lab-wide settings. The one owner of `store.data.sp`/`settings`.
import type { HandlersFor, SpSettings } from '../../contract/index.ts';
import type { settingsMethods, spMethods } from '../../contract/sp.ts';
import type { KeyPair } from '../sp/keys.ts';
import type { StoreService } from '../store/store-service.ts';
import { fingerprintSha256 } from '../util/cert.ts';
import { verifyPolicyOf } from '../verify-policy.ts';
import type { VerifyPolicy } from '../saml/context.ts';
import { SP_PROFILES } from '../saml/sp-profiles.ts';

export const DEFAULT_SP_ENTITY_ID = 'urn:saml-jit-lab:sp';

export class SpSettingsService {
  private readonly store: StoreService;
  private readonly keys: KeyPair;
  private readonly baseUrl: () => string;
  /** Computed once: settings() runs on every login. */
  private readonly fingerprint: string;

  constructor(deps: { store: StoreService; keys: KeyPair; baseUrl: () => string }) {
    this.store = deps.store;
    this.keys = deps.keys;
    this.baseUrl = deps.baseUrl;
    this.fingerprint = fingerprintSha256(deps.keys.certificatePem);
  }

  settings(): SpSettings {
    const sp = this.store.data.sp;
    const base = this.publicBaseUrl();
    return {
      entityId: sp.entityId ?? DEFAULT_SP_ENTITY_ID,
      acsUrl: `${base}/saml/acs`,
      metadataUrl: `${base}/saml/metadata`,
      loginUrl: `${base}/saml/login`,
      nameIdFormat: sp.nameIdFormat,
      clockSkewSeconds: sp.clockSkewSeconds,
      allowUnsolicited: sp.allowUnsolicited,
      signaturePolicy: sp.signaturePolicy ?? 'either',
      sha1Policy: sp.sha1Policy ?? 'warn',
      spProfile: sp.spProfile ?? 'lab',
      certificatePem: this.keys.certificatePem,
      certificateFingerprintSha256: this.fingerprint,
      publicBaseUrl: this.store.data.sp.publicBaseUrl ?? null,
    };
  }

  /** Where the IdP and browsers reach the lab: the public base URL when one is set (a tunnel or reverse proxy in
   * front of the listener, which still binds 127.0.0.1), else the listener's own URL. */
  publicBaseUrl(): string {
    return this.store.data.sp.publicBaseUrl ?? this.baseUrl();
  }

  /** What the ACS verifies with now. */
  verifyPolicy(): VerifyPolicy {
    return verifyPolicyOf(this.settings());
  }

  /** `serve --sp-entity-id`: an override at start. */
  setEntityId(entityId: string): void {
    this.store.sp.update({ entityId });
  }

  handlers(): HandlersFor<typeof spMethods & typeof settingsMethods> {
    return {
      'sp.get': () => this.settings(),
      'sp.profiles': () =>
        Object.values(SP_PROFILES).map((p) => ({
          id: p.id,
          name: p.name,
          description: p.description,
          knobs: Object.fromEntries(Object.entries(p.knobs).map(([k, v]) => [k, Array.isArray(v) ? v.map((u: string) => u.replace(/^.*#/, '')).join(', ') : String(v)])),
        })),
      'sp.update': async (input) => {
        const { entityId, nameIdFormat, clockSkewSeconds, allowUnsolicited, signaturePolicy, sha1Policy, spProfile, publicBaseUrl } = input;
        // A profile chosen sets the knobs the settings screen shows too; values given in the same call win.
        const knobs = spProfile === undefined ? null : SP_PROFILES[spProfile].knobs;
        if (spProfile !== undefined && knobs) {
          this.store.sp.update({ spProfile, clockSkewSeconds: knobs.clockSkewSeconds, allowUnsolicited: knobs.allowUnsolicited, signaturePolicy: knobs.signaturePolicy, sha1Policy: knobs.sha1Policy });
        }
        this.store.sp.update({
          ...(entityId !== undefined && { entityId }),
          ...(nameIdFormat !== undefined && { nameIdFormat }),
          ...(clockSkewSeconds !== undefined && { clockSkewSeconds }),
          ...(allowUnsolicited !== undefined && { allowUnsolicited }),
          ...(signaturePolicy !== undefined && { signaturePolicy }),
          ...(sha1Policy !== undefined && { sha1Policy }),
          ...(publicBaseUrl !== undefined && { publicBaseUrl }),
        });
        await this.store.commit();
        return this.settings();
      },
      'settings.get': () => ({ loginRetention: this.store.data.settings.loginRetention }),
      'settings.update': async (input) => {
        if (input.loginRetention !== undefined) this.store.settings.update({ loginRetention: input.loginRetention });
        await this.store.commit();
        return { loginRetention: this.store.data.settings.loginRetention };
      },
    };
  }
}
