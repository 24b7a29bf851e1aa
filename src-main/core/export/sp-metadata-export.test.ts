// SP metadata export: plain, and signed with the SP key so that a verifier (xml-crypto) accepts it.
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportFile, SpSettings } from '../../contract/index.ts';
import { parseXml } from '../util/xml.ts';
import { startTestLab, type TestLab } from './export-test-support.ts';

const open: TestLab[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

function verifies(xml: string, certPem: string): boolean {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const signature = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
  if (!signature) return false;
  const sig = new SignedXml({ publicCert: certPem });
  sig.loadSignature(signature);
  return sig.checkSignature(xml);
}

describe('spMetadata.export', () => {
  it('exports the SP metadata, and a signed copy that verifies with the SP certificate', async () => {
    const t = await startTestLab();
    open.push(t);
    const sp = await t.call<SpSettings>('sp.get');
    const plain = await t.call<ExportFile>('spMetadata.export', {});
    expect(plain).toMatchObject({ fileName: 'sp-metadata.xml', language: 'xml', containsSecrets: false });
    expect(plain.content).toContain(`entityID="${sp.entityId}"`);
    expect(plain.content).toContain(`Location="${sp.acsUrl}"`);
    expect(plain.content).not.toContain('Signature');

    const signed = await t.call<ExportFile>('spMetadata.export', { signed: true });
    expect(signed.fileName).toBe('sp-metadata-signed.xml');
    expect(signed.content).not.toContain('PRIVATE KEY');
    const root = parseXml(signed.content).documentElement!;
    // Enveloped, first child of EntityDescriptor, as the metadata schema wants.
    const firstElement = Array.from(root.childNodes).find((n) => n.nodeType === 1) as Element;
    expect(firstElement.localName).toBe('Signature');
    expect(signed.content).toContain('rsa-sha256');
    expect(verifies(signed.content, sp.certificatePem)).toBe(true);
    expect(verifies(signed.content.replace(sp.acsUrl, 'https://evil.example/acs'), sp.certificatePem)).toBe(false);
  });
});
