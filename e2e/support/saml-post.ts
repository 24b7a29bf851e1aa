// Helpers for posting SAML responses the way a browser would, from the test itself.
import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';

export interface SamlPostForm {
  action: string;
  fields: Record<string, string>;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number.parseInt(dec, 10)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attr(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  if (match === null) return null;
  return decodeEntities(match[2] ?? match[3] ?? '');
}

/** Parses an auto-submitting SAML POST form (as sent by an IdP) into its action and hidden fields. */
export function parseSamlPostForm(html: string, pageUrl: string): SamlPostForm {
  const formTag = /<form\b[^>]*>/i.exec(html)?.[0];
  if (formTag === undefined) throw new Error(`No <form> in the page:\n${html.slice(0, 500)}`);
  const action = attr(formTag, 'action');
  if (action === null) throw new Error(`The form has no action: ${formTag}`);
  const fields: Record<string, string> = {};
  for (const input of html.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attr(input, 'name');
    if (name !== null) fields[name] = attr(input, 'value') ?? '';
  }
  if (fields.SAMLResponse === undefined) throw new Error('The form has no SAMLResponse field');
  return { action: new URL(action, pageUrl).toString(), fields };
}

/** An IdP-initiated login from the demo IdP, as the form it would auto-post. */
export async function fetchIdpInitiatedForm(request: APIRequestContext, baseUrl: string, user: string): Promise<SamlPostForm> {
  const url = new URL(`/demo-idp/initiate?user=${encodeURIComponent(user)}`, baseUrl).toString();
  const response = await request.get(url);
  expect(response.status(), `GET ${url}`).toBe(200);
  return parseSamlPostForm(await response.text(), url);
}

export async function postForm(request: APIRequestContext, form: SamlPostForm): Promise<APIResponse> {
  // Verification is fast, but a loaded CI machine can stall a request for seconds: allow more than an action.
  return request.post(form.action, { form: form.fields, maxRedirects: 0, timeout: 30_000 });
}

export function decodeSamlResponse(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}

export function encodeSamlResponse(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}

/** Changes the text of the first `<…AttributeValue>` whose text equals `from`; throws when there is none. */
export function replaceAttributeValue(xml: string, from: string, to: string): string {
  const pattern = /(<(?:[\w-]+:)?AttributeValue\b[^>]*>)([^<]*)(<\/(?:[\w-]+:)?AttributeValue>)/g;
  let replaced = false;
  const out = xml.replace(pattern, (whole, open: string, text: string, close: string) => {
    if (replaced || text !== from) return whole;
    replaced = true;
    return `${open}${to}${close}`;
  });
  if (!replaced) throw new Error(`No AttributeValue "${from}" in the response`);
  return out;
}

/** The text of every `<…AttributeValue>` in the response, in document order. */
export function attributeValues(xml: string): string[] {
  return [...xml.matchAll(/<(?:[\w-]+:)?AttributeValue\b[^>]*>([^<]*)</g)].map((m) => m[1] ?? '');
}
