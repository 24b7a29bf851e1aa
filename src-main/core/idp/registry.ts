// The one owner of IdP profiles: their stored metadata, the parse cache, and so what the lab trusts. Every change
// of metadata (import from XML, a file, an upload or a URL; refresh; a bundle) goes through `applyMetadata`, which
// writes the store and the cache together, so what is shown, what is trusted now and what is trusted after a restart
// are always the same. New signing certificates for an IdP already configured are never taken silently: the caller
// gets a `trust-change` error listing them and must repeat with `replace: true` (the person's explicit yes).
import { randomUUID } from 'node:crypto';
import { LoginOptions, type IdpProfile } from '../../contract/index.ts';
import { LabError } from '../errors.ts';
import type { TrustedIdp } from '../saml/context.ts';
import { DEMO_IDP_ID, type StoredIdp } from '../store/schema.ts';
import type { StoreService } from '../store/store-service.ts';
import { metadataChanges } from './metadata-changes.ts';
import { lastSignedWith, rolloverStatus } from './rollover.ts';
import {
  BINDING,
  certificateWarnings,
  parseIdpMetadata,
  signingCerts,
  ssoLocation,
  type IdpMetadata,
  type MetadataCert,
  type ParsedIdpMetadata,
} from './metadata.ts';

/** The built-in demo IdP: its metadata is generated from its key and the listener URL, never stored. */
export interface DemoMetadataSource {
  entityId: string;
  metadata(): IdpMetadata;
  metadataXml(): string;
}

export interface MetadataChange {
  /** The metadata XML: one EntityDescriptor, or an aggregate with `entityId` naming the IdP to take. */
  xml: string;
  name?: string | undefined;
  entityId?: string | undefined;
  /** A certificate the metadata signature must verify with. */
  trustCertPem?: string | undefined;
  /** Where it was fetched from (refreshable), and what the fetch warned about. */
  source?: { url: string; warnings: string[] } | undefined;
  /** What the person should know about where it came from (an aggregate's piece, an http URL). */
  warnings?: string[] | undefined;
  /** The person agreed to trust different signing certificates for an IdP already configured. */
  replace?: boolean | undefined;
  /** Only update this profile (refresh): the metadata must describe the same entity. */
  profileId?: string | undefined;
  /** Further fields stored with the profile (a bundle's rules). */
  rules?: StoredIdp['rules'];
}

export interface TrustedCertChange {
  fingerprintSha256: string;
  subject: string;
  notAfter: string;
}

/** `details` of a trust-change error: what the person is asked to agree to. */
export interface TrustChangeDetails {
  idpId: string;
  entityId: string;
  added: TrustedCertChange[];
  removed: TrustedCertChange[];
  /** The profile was imported with a trust certificate; this metadata was verified with it (or is refused). */
  signatureRequired: boolean;
}

const certChange = (c: MetadataCert): TrustedCertChange => ({ fingerprintSha256: c.fingerprintSha256, subject: c.subject, notAfter: c.notAfter });

/** Signing certificates in `after` that `before` does not have, and the reverse. */
export function signingCertChanges(before: IdpMetadata, after: IdpMetadata): { added: TrustedCertChange[]; removed: TrustedCertChange[] } {
  const b = new Set(signingCerts(before).map((c) => c.fingerprintSha256));
  const a = new Set(signingCerts(after).map((c) => c.fingerprintSha256));
  return {
    added: signingCerts(after).filter((c) => !b.has(c.fingerprintSha256)).map(certChange),
    removed: signingCerts(before).filter((c) => !a.has(c.fingerprintSha256)).map(certChange),
  };
}

export class IdpRegistry {
  private readonly store: StoreService;
  private readonly clock: () => Date;
  private readonly demo: DemoMetadataSource;
  /** Parsed metadata per profile id, so the ACS never re-parses XML. Written only by this class. */
  private readonly parsed = new Map<string, ParsedIdpMetadata>();

  constructor(deps: { store: StoreService; clock: () => Date; demo: DemoMetadataSource }) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.demo = deps.demo;
  }

  all(): readonly StoredIdp[] {
    return this.store.data.idps;
  }

  find(id: string): StoredIdp {
    const idp = this.store.data.idps.find((i) => i.id === id);
    if (!idp) throw new LabError('not-found', `There is no IdP profile "${id}".`);
    return idp;
  }

  /** The given profile, or the active one. */
  resolve(id: string | null | undefined): StoredIdp {
    return this.find(id ?? this.store.data.activeIdpId);
  }

  metadataOf(idp: StoredIdp): IdpMetadata | ParsedIdpMetadata {
    if (idp.kind === 'demo') return this.demo.metadata();
    let md = this.parsed.get(idp.id);
    if (!md) {
      md = parseIdpMetadata(idp.metadataXml ?? '', parseOptions(idp));
      this.parsed.set(idp.id, md);
    }
    return md;
  }

  metadataXmlOf(idp: StoredIdp): string {
    return idp.kind === 'demo' ? this.demo.metadataXml() : (idp.metadataXml ?? '');
  }

  /** The profile of an entity ID, if one is configured. */
  byEntityId(entityId: string): StoredIdp | null {
    return this.store.data.idps.find((i) => this.entityIdOf(i) === entityId) ?? null;
  }

  /** Every profile whose metadata reads: the IdPs the ACS trusts, each for its own Issuer. */
  trusted(): TrustedIdp[] {
    return this.store.data.idps.flatMap((idp) => {
      try {
        const md = this.metadataOf(idp);
        return [{ id: idp.id, name: idp.name, entityId: md.entityId, certificates: md.certificates }];
      } catch {
        return [];
      }
    });
  }

  profileOf(idp: StoredIdp): IdpProfile {
    let md: IdpMetadata | ParsedIdpMetadata;
    try {
      md = this.metadataOf(idp);
    } catch (error) {
      // A profile whose stored metadata no longer reads is listed (and trusts nothing), never a reason to fail.
      return unreadableProfile(idp, this.store.data.activeIdpId === idp.id, error);
    }
    return {
      id: idp.id,
      name: idp.name,
      kind: idp.kind,
      entityId: md.entityId,
      ssoRedirectUrl: ssoLocation(md, BINDING.redirect),
      ssoPostUrl: ssoLocation(md, BINDING.post),
      certificates: md.certificates.map(({ base64: _b, ...c }) => c),
      wantAuthnRequestsSigned: md.wantAuthnRequestsSigned,
      nameIdFormats: md.nameIdFormats,
      active: this.store.data.activeIdpId === idp.id,
      importedAt: idp.importedAt,
      rulesUpdatedAt: idp.rulesUpdatedAt ?? null,
      sourceUrl: idp.sourceUrl ?? null,
      loginOptions: LoginOptions.parse(idp.loginOptions ?? {}),
      warnings: [...certificateWarnings(md.certificates, this.clock()).map((w) => w.message), ...(idp.fetchWarnings ?? [])],
      displayName: md.displayName,
      sloServices: 'sloServices' in md ? md.sloServices.map(({ binding, location }) => ({ binding, location })) : [],
      validUntil: 'validUntil' in md ? md.validUntil : null,
      cacheDuration: 'cacheDuration' in md ? md.cacheDuration : null,
      metadataSignature:
        'signature' in md ? { status: md.signature.status, detail: md.signature.detail } : { status: 'absent', detail: 'Built in: generated by this app, nothing to verify.' },
      rollover: this.rolloverOf(md),
    };
  }

  /** Days left and the key switch rehearsal, from the trusted metadata and the key of the last accepted login. */
  private rolloverOf(md: IdpMetadata): IdpProfile['rollover'] {
    const status = rolloverStatus({ trusted: md, now: this.clock(), signedWith: lastSignedWith(this.store.data.logins, md.entityId) });
    return { summary: status.summary, newKeyAccepted: status.newKeyAccepted, certificates: status.certificates };
  }

  /**
   * Imports or replaces an IdP's metadata: the one way metadata enters the store. Throws `trust-change` (with
   * TrustChangeDetails) when the entity is configured with other signing certificates and `replace` is not set.
   */
  applyMetadata(change: MetadataChange): { idp: StoredIdp; changes: string[] } {
    const target = change.profileId === undefined ? null : this.find(change.profileId);
    const incomingEntity = change.entityId;
    // A replacement of a profile imported with a trust certificate must verify with it, unless another is given.
    const probe = parseIdpMetadata(change.xml, parseOptions({ entityId: incomingEntity, trustCertPem: change.trustCertPem }));
    if (probe.entityId === this.demo.entityId) throw new LabError('invalid-metadata', "This is the built-in demo IdP's metadata; it is already configured.");
    const existing = target ?? this.byEntityIdOfKind(probe.entityId);
    let md = probe;
    if (existing?.trustCertPem && change.trustCertPem === undefined) {
      md = parseIdpMetadata(change.xml, parseOptions({ entityId: incomingEntity ?? existing.entityId, trustCertPem: existing.trustCertPem }));
    }
    let before: IdpMetadata | null = null;
    if (existing) {
      try {
        before = this.metadataOf(existing);
      } catch {
        before = null; // unreadable stored metadata: nothing is trusted for it now
      }
    }
    if (existing && before === null && !change.replace) {
      // The stored metadata no longer reads, so nothing can be compared: replacing it is still a change of trust.
      throw new LabError(
        'trust-change',
        `${existing.name} is configured, but its stored metadata cannot be read, so the new certificates cannot be compared with it. Nothing was changed. Repeat with replace to trust this metadata.`,
        { idpId: existing.id, entityId: md.entityId, added: signingCerts(md).map(certChange), removed: [], signatureRequired: existing.trustCertPem !== undefined } satisfies TrustChangeDetails,
      );
    }
    if (target && before && md.entityId !== before.entityId) {
      throw new LabError('invalid-metadata', `The new metadata describes ${md.entityId}, not ${before.entityId}; nothing was changed. Import it as a new IdP if that is intended.`);
    }
    if (existing && before && !change.replace) {
      const { added, removed } = signingCertChanges(before, md);
      const trustCertChanged = change.trustCertPem !== undefined && normalizePem(change.trustCertPem) !== normalizePem(existing.trustCertPem ?? '');
      if (added.length > 0 || removed.length > 0 || (trustCertChanged && existing.trustCertPem !== undefined)) {
        const details: TrustChangeDetails = { idpId: existing.id, entityId: md.entityId, added, removed, signatureRequired: existing.trustCertPem !== undefined };
        const list = (label: string, certs: TrustedCertChange[]): string[] => certs.map((c) => `${label} ${c.fingerprintSha256} (${c.subject}, until ${c.notAfter.slice(0, 10)})`);
        throw new LabError(
          'trust-change',
          [
            `${existing.name} (${md.entityId}) is already configured, and this metadata changes the signing certificates the lab trusts for it. Nothing was changed.`,
            ...list('adds', added),
            ...list('removes', removed),
            ...(trustCertChanged ? ['changes the certificate the metadata signature must verify with'] : []),
            'Compare the fingerprints with the ones the IdP publishes, then repeat with replace to trust them.',
          ].join('\n'),
          details,
        );
      }
    }
    const now = this.clock().toISOString();
    const trustCertPem = change.trustCertPem ?? existing?.trustCertPem;
    const fields: Partial<StoredIdp> = {
      name: change.name?.trim() || existing?.name || md.displayName || md.entityId,
      metadataXml: change.xml,
      importedAt: now,
      entityId: change.entityId ? md.entityId : undefined,
      trustCertPem: trustCertPem || undefined,
      sourceUrl: change.source?.url ?? (target ? (existing?.sourceUrl ?? null) : null),
      fetchWarnings: [...(change.source?.warnings ?? []), ...(change.warnings ?? [])],
      ...(change.rules ? { rules: change.rules, rulesUpdatedAt: now } : {}),
    };
    let idp: StoredIdp;
    if (existing) {
      idp = existing;
      this.store.idps.update(idp, fields);
    } else {
      idp = { id: randomUUID(), name: '', kind: 'metadata', metadataXml: change.xml, importedAt: now };
      this.store.idps.update(idp, fields);
      this.store.idps.add(idp);
    }
    this.parsed.set(idp.id, md);
    return { idp, changes: before ? metadataChanges(before, md) : [] };
  }

  update(id: string, patch: { name?: string | undefined; loginOptions?: Partial<LoginOptions> | undefined }): StoredIdp {
    const idp = this.find(id);
    this.store.idps.update(idp, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.loginOptions !== undefined ? { loginOptions: LoginOptions.parse({ ...(idp.loginOptions ?? {}), ...patch.loginOptions }) } : {}),
    });
    return idp;
  }

  setRules(idp: StoredIdp, rules: NonNullable<StoredIdp['rules']>): void {
    this.store.idps.update(idp, { rules, rulesUpdatedAt: this.clock().toISOString() });
  }

  activate(id: string): StoredIdp {
    const idp = this.find(id);
    this.store.idps.activate(idp.id);
    return idp;
  }

  remove(id: string): boolean {
    if (id === DEMO_IDP_ID) throw new LabError('invalid-input', 'The built-in demo IdP cannot be removed.');
    const removed = this.store.idps.remove(id);
    this.parsed.delete(id);
    if (this.store.data.activeIdpId === id) this.store.idps.activate(DEMO_IDP_ID);
    return removed;
  }

  /** Makes sure the active profile exists (after a removal, or a store from elsewhere). */
  ensureActive(): void {
    if (!this.store.data.idps.some((i) => i.id === this.store.data.activeIdpId)) this.store.idps.activate(DEMO_IDP_ID);
  }

  private entityIdOf(idp: StoredIdp): string | null {
    try {
      return this.metadataOf(idp).entityId;
    } catch {
      return idp.entityId ?? null;
    }
  }

  private byEntityIdOfKind(entityId: string): StoredIdp | null {
    return this.store.data.idps.find((i) => i.kind === 'metadata' && this.entityIdOf(i) === entityId) ?? null;
  }
}

function parseOptions(idp: { entityId?: string | undefined; trustCertPem?: string | undefined }): { entityId?: string; trustCerts?: string } {
  return {
    ...(idp.entityId ? { entityId: idp.entityId } : {}),
    ...(idp.trustCertPem ? { trustCerts: idp.trustCertPem } : {}),
  };
}

function normalizePem(pem: string): string {
  return pem.replace(/-----[^-]+-----|\s/g, '');
}

function unreadableProfile(idp: StoredIdp, active: boolean, error: unknown): IdpProfile {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    id: idp.id,
    name: idp.name,
    kind: idp.kind,
    entityId: idp.entityId ?? '(unreadable metadata)',
    ssoRedirectUrl: null,
    ssoPostUrl: null,
    certificates: [],
    wantAuthnRequestsSigned: false,
    nameIdFormats: [],
    active,
    importedAt: idp.importedAt,
    rulesUpdatedAt: idp.rulesUpdatedAt ?? null,
    sourceUrl: idp.sourceUrl ?? null,
    loginOptions: LoginOptions.parse(idp.loginOptions ?? {}),
    warnings: [`The stored metadata of this profile cannot be read, so no login from it is trusted: ${reason.split('\n')[0]} Import its metadata again.`],
    displayName: null,
    sloServices: [],
    validUntil: null,
    cacheDuration: null,
    metadataSignature: { status: 'invalid', detail: reason.split('\n')[0] ?? reason },
    rollover: { summary: 'The stored metadata cannot be read: no certificate is trusted.', newKeyAccepted: null, certificates: [] },
  };
}
