// Metadata URL import/refresh over Chromium's network stack (Electron's `net`), so it uses the system proxy settings,
// PAC/WPAD and the OS certificate store exactly like the login window; node:http (the core's default, kept in
// browser mode and the CLI) sees none of that, so behind a corporate proxy one worked and the other did not
// (docs/api/net.md: "Automatic management of system proxy configuration, support of the wpad protocol and proxy pac").
// One GET per call, redirects NOT followed: the core's loop follows and counts them (and warns about plain-http hops),
// so each redirect comes back as a 3xx answer with its Location. Not `net.fetch(..., { redirect: 'manual' })`: Electron
// then rejects with "Redirect was cancelled" (lib/common/api/net-client-request.ts: a 'manual' redirect that no
// listener follows kills the request), so this uses `net.request` and its 'redirect' event.
// Electron types only: unit-tested under plain Node with a fake request.
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough } from 'node:stream';
import type { ClientRequest, ClientRequestConstructorOptions, IncomingMessage as NetResponse } from 'electron';
import { LabError } from '../core/errors.ts';
import type { MetadataGet, MetadataResponse } from '../core/net/fetch-metadata.ts';
import type { AuthChallenge } from './auth-prompt.ts';

export interface NetMetadataOptions {
  /** `net.request` bound to the session to use. */
  request(options: ClientRequestConstructorOptions): ClientRequest;
  /** A proxy or the server asks for credentials (null cancels). Without it, authentication is cancelled. */
  login?(challenge: AuthChallenge, url: string): Promise<{ username: string; password: string } | null>;
}

const fail = (message: string): LabError => new LabError('fetch-failed', message);

function headersOf(raw: Record<string, string | string[]>): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(raw)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

/** A stream the core reads like node's IncomingMessage; destroying it aborts the request. */
function answer(statusCode: number, statusMessage: string, headers: IncomingHttpHeaders, onDestroy: () => void): PassThrough & { statusCode: number; statusMessage: string; headers: IncomingHttpHeaders } {
  const body = Object.assign(new PassThrough(), { statusCode, statusMessage, headers });
  body.on('close', onDestroy);
  return body;
}

export function createNetMetadataGet(options: NetMetadataOptions): MetadataGet {
  return (url, timeoutMs, totalMs) =>
    new Promise<MetadataResponse>((resolve, reject) => {
      let settled = false;
      const request = options.request({
        method: 'GET',
        url: url.toString(),
        redirect: 'manual',
        // A metadata document needs no cookies; none are sent or stored.
        useSessionCookies: false,
        cache: 'no-store',
      });
      const abort = (): void => {
        try {
          request.abort();
        } catch {
          // already finished
        }
      };
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const timer = setTimeout(() => {
        settle(() => reject(fail(`${url.toString()} did not answer within ${Math.round(totalMs / 1000)} s.`)));
        abort();
      }, timeoutMs);
      request.setHeader('Accept', 'application/samlmetadata+xml, application/xml, text/xml;q=0.9, */*;q=0.1');
      request.setHeader('User-Agent', 'saml-jit-lab');
      request.on('redirect', (statusCode, _method, redirectUrl) => {
        // Hand the hop to the core's loop instead of following it here.
        settle(() => resolve(answer(statusCode, '', { location: redirectUrl }, () => undefined)));
        abort();
      });
      request.on('response', (response: NetResponse) => {
        settle(() => {
          const body = answer(response.statusCode, response.statusMessage, headersOf(response.headers), abort);
          response.on('data', (chunk) => body.write(chunk));
          response.on('end', () => body.end());
          response.on('aborted', () => body.emit('aborted'));
          response.on('error', (error) => body.destroy(error));
          resolve(body);
        });
      });
      request.on('login', (authInfo, callback) => {
        const ask = options.login ? options.login(authInfo, url.toString()) : Promise.resolve(null);
        ask.then(
          (credentials) => (credentials ? callback(credentials.username, credentials.password) : callback()),
          () => callback(),
        );
      });
      request.on('error', (error) => {
        // Chromium's net error names (net::ERR_PROXY_CONNECTION_FAILED, net::ERR_CERT_AUTHORITY_INVALID…) as is.
        settle(() => reject(fail(`Could not fetch ${url.toString()}: ${error.message}.`)));
      });
      request.end();
    });
}
