// What changed between two versions of an IdP's metadata, in the words an admin needs at a key rollover.
import type { IdpMetadata } from './metadata.ts';

export function metadataChanges(before: IdpMetadata, after: IdpMetadata): string[] {
  const changes: string[] = [];
  const certKey = (c: IdpMetadata['certificates'][number]): string => `${c.use}:${c.fingerprintSha256}`;
  const beforeCerts = new Map(before.certificates.map((c) => [certKey(c), c]));
  const afterCerts = new Map(after.certificates.map((c) => [certKey(c), c]));
  for (const [key, c] of afterCerts) {
    if (!beforeCerts.has(key)) changes.push(`Certificate added (${c.use}): SHA-256 ${c.fingerprintSha256}, ${c.subject}, valid until ${c.notAfter.slice(0, 10)}.`);
  }
  for (const [key, c] of beforeCerts) {
    if (!afterCerts.has(key)) changes.push(`Certificate removed (${c.use}): SHA-256 ${c.fingerprintSha256}, ${c.subject}. Responses signed with it are now rejected.`);
  }
  const endpoints = (md: IdpMetadata): Map<string, string> => new Map(md.ssoServices.map((s) => [s.binding, s.location]));
  const b = endpoints(before);
  const a = endpoints(after);
  const short = (binding: string): string => binding.replace('urn:oasis:names:tc:SAML:2.0:bindings:', '');
  for (const [binding, location] of a) {
    const old = b.get(binding);
    if (old === undefined) changes.push(`SSO endpoint added (${short(binding)}): ${location}.`);
    else if (old !== location) changes.push(`SSO endpoint moved (${short(binding)}): ${old} → ${location}.`);
  }
  for (const [binding, location] of b) if (!a.has(binding)) changes.push(`SSO endpoint removed (${short(binding)}): ${location}.`);
  if (before.wantAuthnRequestsSigned !== after.wantAuthnRequestsSigned) {
    changes.push(`WantAuthnRequestsSigned is now ${after.wantAuthnRequestsSigned}: SP-initiated requests will ${after.wantAuthnRequestsSigned ? '' : 'no longer '}be signed (login option "auto").`);
  }
  const formats = (md: IdpMetadata): string => md.nameIdFormats.join(', ');
  if (formats(before) !== formats(after)) changes.push(`NameID formats: ${formats(before) || 'none'} → ${formats(after) || 'none'}.`);
  return changes;
}
