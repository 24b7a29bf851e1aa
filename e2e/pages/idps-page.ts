// The Identity providers screen (#/idps, #/idps/<id>, #/idps/add), and metadata documents for its tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

export type ImportSource = 'file' | 'paste' | 'url';

export class IdpsPage {
  readonly page: Page;
  readonly screen: Locator;
  readonly rows: Locator;
  readonly detail: Locator;
  readonly importForm: Locator;
  readonly importError: Locator;
  readonly importResult: Locator;
  readonly notice: Locator;
  readonly aggregate: Locator;
  readonly aggregateSearch: Locator;
  readonly aggregateOptions: Locator;
  readonly aggregateCount: Locator;
  readonly warnings: Locator;
  readonly certs: Locator;
  readonly refreshResult: Locator;
  readonly loginOptions: Locator;

  constructor(page: Page) {
    this.page = page;
    this.screen = page.getByTestId('idps-screen');
    this.rows = page.getByTestId('idp-row');
    this.detail = page.getByTestId('idp-detail');
    this.importForm = page.getByTestId('idp-import');
    this.importError = page.getByTestId('idp-import-error');
    this.importResult = page.getByTestId('idp-import-result');
    this.notice = page.getByTestId('idp-notice');
    this.aggregate = page.getByTestId('idp-aggregate');
    this.aggregateSearch = page.getByTestId('idp-aggregate-search');
    this.aggregateOptions = page.getByTestId('idp-aggregate-option');
    this.aggregateCount = page.getByTestId('idp-aggregate-count');
    this.warnings = page.getByTestId('idp-warning');
    this.certs = page.getByTestId('idp-cert');
    this.refreshResult = page.getByTestId('idp-refresh-result');
    this.loginOptions = page.getByTestId('idp-login-options');
  }

  /** Opens #/idps (the active profile), #/idps/<id> or #/idps/add and waits for the app to be ready. */
  async open(which = ''): Promise<void> {
    await this.page.goto(`/#/idps${which === '' ? '' : `/${which}`}`);
    await expect(this.page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
    await expect(this.screen).toBeVisible();
  }

  row(entityId: string): Locator {
    return this.rows.filter({ hasText: entityId });
  }

  /** Opens a profile from the list and waits for its detail. */
  async select(entityId: string): Promise<void> {
    await this.row(entityId).getByRole('link').click();
    await expect(this.page.getByTestId('idp-entity-id')).toHaveText(entityId);
  }

  async startImport(source: ImportSource): Promise<void> {
    await this.page.getByTestId('idp-add').click();
    await expect(this.importForm).toBeVisible();
    await this.page.getByTestId(`idp-import-tab-${source}`).click();
  }

  async setName(name: string): Promise<void> {
    await this.page.getByTestId('idp-import-name').fill(name);
  }

  /** Chooses a file with the picker (the hidden file input behind "Choose a file…"). */
  async chooseFile(name: string, content: string | Buffer, mimeType = 'text/xml'): Promise<void> {
    await this.page.getByTestId('idp-import-file').setInputFiles({ name, mimeType, buffer: typeof content === 'string' ? Buffer.from(content, 'utf8') : content });
  }

  /** Drops a file onto `target` (the whole screen by default) the way a browser does: dragenter, dragover, drop. */
  async dropFile(name: string, content: string, target: Locator = this.screen, mimeType = 'text/xml'): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(
      ({ name, content, mimeType }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([content], name, { type: mimeType }));
        return dt;
      },
      { name, content, mimeType },
    );
    await target.dispatchEvent('dragenter', { dataTransfer });
    await target.dispatchEvent('dragover', { dataTransfer });
    await target.dispatchEvent('drop', { dataTransfer });
  }

  /** Pastes into the Monaco editor as the clipboard would (a paste event on its input area), over all its text. */
  async pasteXml(xml: string): Promise<void> {
    const editor = this.page.getByTestId('idp-import-editor');
    await expect(editor.locator('.monaco-editor .view-lines')).toBeVisible();
    await editor.locator('.monaco-editor').click();
    await this.page.keyboard.press('ControlOrMeta+A');
    // Whatever Monaco uses for input (a textarea, or an EditContext element in newer Chromium) has the focus now.
    await this.page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      document.activeElement?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, xml);
  }

  async submitPaste(): Promise<void> {
    await this.page.getByTestId('idp-import-submit').click();
  }

  async importUrl(url: string): Promise<void> {
    await this.page.getByTestId('idp-import-url').fill(url);
    await this.page.getByTestId('idp-import-url-submit').click();
  }

  /** Waits for the detail of a just-imported profile; returns its id. */
  async expectImported(entityId: string): Promise<string> {
    await expect(this.notice).toBeVisible();
    await expect(this.page.getByTestId('idp-entity-id')).toHaveText(entityId);
    return (await this.detail.getAttribute('data-idp-id')) ?? '';
  }

  async rename(name: string): Promise<void> {
    await this.detail.getByTestId('idp-rename').click();
    await this.page.getByTestId('idp-rename-input').fill(name);
    await this.page.getByTestId('idp-rename-input').press('Enter');
    await expect(this.page.getByTestId('idp-name')).toHaveText(name);
  }

  async remove(): Promise<void> {
    await this.detail.getByTestId('idp-remove').click();
    await this.page.getByTestId('idp-remove-confirm-yes').click();
    await expect(this.page.getByTestId('idp-deleted')).toBeVisible();
  }

  async refresh(): Promise<void> {
    await this.detail.getByTestId('idp-refresh').click();
  }

  async saveLoginOptions(): Promise<void> {
    await this.page.getByTestId('idp-login-options-save').click();
    await expect(this.page.getByTestId('idp-login-options-status')).toContainText('Saved');
  }

  /** The fingerprints of the certificates shown for the selected profile. */
  async fingerprints(): Promise<string[]> {
    return (await this.page.getByTestId('idp-cert-fingerprint').allInnerTexts()).map((t) => t.trim());
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `e2e/artifacts/${name}.png`, fullPage: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Metadata documents

/** The base64 certificate of the demo IdP (from its metadata) and of the lab's SP (a second, different key). */
export async function labCertificates(request: APIRequestContext, baseURL: string): Promise<{ demo: string; sp: string; demoMetadata: string }> {
  const demoMetadata = await (await request.get(new URL('/demo-idp/metadata', baseURL).toString())).text();
  const spMetadata = await (await request.get(new URL('/saml/metadata', baseURL).toString())).text();
  const cert = (xml: string): string => {
    const match = /<(?:ds:)?X509Certificate>([^<]+)</.exec(xml);
    if (match?.[1] === undefined) throw new Error(`no X509Certificate in\n${xml}`);
    return match[1].replace(/\s+/g, '');
  };
  return { demo: cert(demoMetadata), sp: cert(spMetadata), demoMetadata };
}

export interface IdpMetadataOptions {
  entityId: string;
  signingCerts: string[];
  displayName?: string;
  redirectUrl?: string | null;
  postUrl?: string | null;
  wantAuthnRequestsSigned?: boolean;
  nameIdFormats?: string[];
}

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';

/** One IdP's EntityDescriptor in the shape vendors publish: default md namespace, mdui display name, one
 * KeyDescriptor per signing cert (two during a rollover), an SLO endpoint, both or one SSO binding. */
export function idpEntityXml(o: IdpMetadataOptions): string {
  const sso = [
    o.redirectUrl !== null ? `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${o.redirectUrl ?? 'https://idp.example.test/sso/redirect'}"/>` : '',
    o.postUrl !== null ? `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${o.postUrl ?? 'https://idp.example.test/sso/post'}"/>` : '',
  ].join('\n      ');
  return `<EntityDescriptor xmlns="${MD}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" entityID="${o.entityId}">
    <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="${o.wantAuthnRequestsSigned === true}">
      <Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">${o.displayName ?? o.entityId}</mdui:DisplayName></mdui:UIInfo></Extensions>
      ${o.signingCerts.map((c) => `<KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n${c.replace(/(.{64})/g, '$1\n')}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>`).join('\n      ')}
      <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/slo"/>
      ${(o.nameIdFormats ?? ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent']).map((f) => `<NameIDFormat>${f}</NameIDFormat>`).join('\n      ')}
      ${sso}
    </IDPSSODescriptor>
  </EntityDescriptor>`;
}

/** A whole metadata file as a vendor download looks: BOM, XML declaration, a comment before the root. */
export function idpMetadataFile(o: IdpMetadataOptions): string {
  return `\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- Downloaded from the IdP admin console -->\n${idpEntityXml(o)}\n`;
}

/** An EntitiesDescriptor with these entities (and an SP entity, as federations have). */
export function aggregateXml(name: string, entities: IdpMetadataOptions[]): string {
  const sp = `<EntityDescriptor xmlns="${MD}" entityID="https://sp.example.test/shibboleth"><SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.test/acs" index="0"/></SPSSODescriptor></EntityDescriptor>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<EntitiesDescriptor xmlns="${MD}" Name="${name}">\n${entities.map(idpEntityXml).join('\n')}\n${sp}\n</EntitiesDescriptor>\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// A small metadata server on 127.0.0.1

export interface MetadataServer {
  url(path: string): string;
  /** How many times each path was requested. */
  hits(path: string): number;
  close(): Promise<void>;
}

/** Serves `routes[path]`: a body, or a function of the request count (1 for the first request) for a changing
 * document. Content type from the body: text/html for an HTML page, else application/samlmetadata+xml. */
export async function startMetadataServer(routes: Record<string, string | ((n: number) => string)>): Promise<MetadataServer> {
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    const route = routes[path];
    if (route === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const body = typeof route === 'string' ? route : route(n);
    const type = /^\s*<(!doctype html|html)/i.test(body) ? 'text/html; charset=utf-8' : 'application/samlmetadata+xml';
    res.writeHead(200, { 'Content-Type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits: (path) => counts.get(path) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
