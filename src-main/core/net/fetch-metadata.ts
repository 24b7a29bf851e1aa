// Fetches IdP metadata from a URL: a total timeout, a size cap, a redirect limit, http allowed with a warning,
// and a clear error for anything that is not XML (an HTML login page, a PDF, an error page).
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LabError } from '../errors.ts';

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 15_000, maxBytes: 20 * 1024 * 1024, maxRedirects: 5 };

export interface FetchedMetadata {
  /** The URL the metadata finally came from (after redirects). */
  finalUrl: string;
  bytes: Buffer;
  warnings: string[];
}

/** What `fetchMetadata` reads of one GET: node's IncomingMessage has it, and any Readable with these fields. */
export interface MetadataResponse {
  statusCode?: number | undefined;
  statusMessage?: string | undefined;
  headers: IncomingHttpHeaders;
  resume(): unknown;
  destroy(error?: Error): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'aborted', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
/** One GET without following redirects (the loop below follows them, counted). Default: node:http(s). The desktop
 * shell passes one over Chromium's network stack, so a URL import uses the system proxy/PAC like its login window. */
export type MetadataGet = (url: URL, timeoutMs: number, totalMs: number) => Promise<MetadataResponse>;

export async function fetchMetadata(rawUrl: string, limits: FetchLimits = DEFAULT_FETCH_LIMITS, get: MetadataGet = nodeGet): Promise<FetchedMetadata> {
  let url = parseUrl(rawUrl);
  const warnings: string[] = [];
  const deadline = Date.now() + limits.timeoutMs;
  for (let hop = 0; ; hop++) {
    if (url.protocol === 'http:') warnings.push(`Fetched over plain http (${url.host}): anyone on the network path could have changed it. Use https, or check the certificates' fingerprints with the IdP.`);
    const res = await get(url, Math.max(1, deadline - Date.now()), limits.timeoutMs);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= limits.maxRedirects) throw fail(`${rawUrl} redirected more than ${limits.maxRedirects} times.`);
      url = parseUrl(new URL(res.headers.location, url).toString());
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw fail(`${url.toString()} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}, not the metadata.`);
    }
    const bytes = await readCapped(res, limits.maxBytes, url.toString());
    const type = String(res.headers['content-type'] ?? '').toLowerCase();
    const head = bytes.subarray(0, 512).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
    if (type.includes('text/html') || head.startsWith('<!doctype html') || head.startsWith('<html')) {
      throw fail(`${url.toString()} is an HTML page (a login or error page?), not SAML metadata. Copy the federation metadata URL from the IdP's admin console.`);
    }
    if (type.includes('application/pdf') || head.startsWith('%pdf')) throw fail(`${url.toString()} is a PDF, not SAML metadata.`);
    return { finalUrl: url.toString(), bytes, warnings: [...new Set(warnings)] };
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw fail(`"${raw}" is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail(`Only http and https URLs can be fetched (got ${url.protocol}).`);
  return url;
}

function nodeGet(url: URL, timeoutMs: number, totalMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', headers: { Accept: 'application/samlmetadata+xml, application/xml, text/xml;q=0.9, */*;q=0.1', 'User-Agent': 'saml-jit-lab' } }, resolve);
    const timer = setTimeout(() => req.destroy(fail(`${url.toString()} did not answer within ${Math.round(totalMs / 1000)} s.`)), timeoutMs);
    req.on('response', () => clearTimeout(timer));
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof LabError ? error : fail(`Could not fetch ${url.toString()}: ${networkErrorText(error as NodeJS.ErrnoException, url)}.`));
    });
    req.end();
  });
}

function readCapped(res: MetadataResponse, maxBytes: number, url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = (error: LabError): void => {
      if (settled) return;
      settled = true;
      reject(error);
      res.destroy();
    };
    const declared = Number(res.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      stop(fail(`${url} is ${declared} bytes; the limit is ${maxBytes}.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) stop(fail(`${url} is larger than ${maxBytes} bytes; stopped reading.`));
      else chunks.push(chunk);
    });
    res.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    res.on('error', (error) => stop(fail(`Reading ${url} failed: ${error.message}`)));
    res.on('aborted', () => stop(fail(`${url} closed the connection before the end of the metadata.`)));
  });
}

/** A network error in words a person can act on, with the system's code in brackets for searching. */
export function networkErrorText(error: NodeJS.ErrnoException, url: URL): string {
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  const words: Record<string, string> = {
    ENOTFOUND: `the host name ${url.hostname} does not resolve (check its spelling, or whether it is only known inside another network or VPN)`,
    EAI_AGAIN: `the host name ${url.hostname} could not be resolved right now (DNS did not answer; check the network)`,
    ECONNREFUSED: `nothing listens on that port (${url.hostname}:${port} refused the connection)`,
    ECONNRESET: 'the server closed the connection (a proxy or firewall may be in the way)',
    EHOSTUNREACH: `${url.hostname} cannot be reached from this machine (no route to the host)`,
    ENETUNREACH: 'the network is unreachable from this machine',
    ETIMEDOUT: `${url.hostname}:${port} did not answer the connection`,
    CERT_HAS_EXPIRED: 'the server’s TLS certificate has expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'the server uses a self-signed TLS certificate, which is not trusted',
    SELF_SIGNED_CERT_IN_CHAIN: 'the server’s TLS certificate chain ends in a self-signed certificate that is not trusted',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server’s TLS certificate could not be verified (an incomplete chain?)',
    ERR_TLS_CERT_ALTNAME_INVALID: `the server’s TLS certificate is not for ${url.hostname}`,
  };
  const code = error.code;
  if (code !== undefined && words[code] !== undefined) return `${words[code]} [${code}]`;
  return code ?? error.message;
}

function fail(message: string): LabError {
  return new LabError('fetch-failed', message);
}
