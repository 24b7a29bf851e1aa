// HTTP authentication (Basic, Digest, NTLM, Negotiate) for IdPs and proxies in front of them. Electron cancels every
// authentication request unless an app's `login` handler calls `event.preventDefault()` and `callback(user, pass)`
// (docs/api/app.md, event 'login'); Chromium shows no dialog of its own in Electron. The prompt is a small page of
// ours in a sandboxed window with JavaScript disabled and no preload: its form "submits" to an address that never
// loads — main reads the fields from that navigation in `will-navigate` and cancels it, so the password goes nowhere
// but the callback. Pure: unit-tested under plain Node; main.ts opens the window.

/** Where the prompt's form points. `.invalid` never resolves (RFC 6761), and the navigation is cancelled anyway. */
export const AUTH_PROMPT_ACTION = 'https://auth-prompt.saml-jit-lab.invalid/submit';

/** What Electron's `login` event says about the challenge (AuthInfo). */
export interface AuthChallenge {
  isProxy: boolean;
  scheme: string;
  host: string;
  port: number;
  realm: string;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The prompt page. Everything the server sent (realm, host) is escaped; the page carries its own CSP that allows no
 * script at all and lets the form go only to AUTH_PROMPT_ACTION. */
export function authPromptHtml(challenge: AuthChallenge, url: string): string {
  const who = challenge.isProxy ? `The proxy ${challenge.host}:${challenge.port}` : `${challenge.host}`;
  const plain = challenge.scheme.toLowerCase() === 'basic' && url.startsWith('http:');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action ${AUTH_PROMPT_ACTION}">
<title>Sign in to ${escapeHtml(challenge.host)}</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 20px; color-scheme: light dark; }
  label { display: block; margin: 10px 0 4px; } input { width: 100%; box-sizing: border-box; padding: 6px; }
  .buttons { margin-top: 16px; display: flex; gap: 8px; justify-content: flex-end; } .warn { color: #b35c00; }
</style></head><body>
<p>${escapeHtml(who)} asks for a user name and password (${escapeHtml(challenge.scheme)}${challenge.realm ? `, realm “${escapeHtml(challenge.realm)}”` : ''}).</p>
${plain ? '<p class="warn">This connection is not encrypted: the password is sent in the clear.</p>' : ''}
<form method="get" action="${AUTH_PROMPT_ACTION}" autocomplete="off">
  <label for="u">User name</label><input id="u" name="username" autofocus>
  <label for="p">Password</label><input id="p" name="password" type="password">
  <div class="buttons"><button type="submit" name="action" value="sign-in">Sign In</button><button type="submit" name="action" value="cancel">Cancel</button></div>
</form></body></html>`;
}

export function authPromptUrl(challenge: AuthChallenge, url: string): string {
  return `data:text/html;charset=utf-8,${encodeURIComponent(authPromptHtml(challenge, url))}`;
}

/** Reads a navigation of the prompt window: credentials, 'cancel', or null when it is not the prompt's form. */
export function readAuthSubmission(navigationUrl: string): { username: string; password: string } | 'cancel' | null {
  let url: URL;
  try {
    url = new URL(navigationUrl);
  } catch {
    return null;
  }
  if (`${url.origin}${url.pathname}` !== AUTH_PROMPT_ACTION) return null;
  if (url.searchParams.get('action') !== 'sign-in') return 'cancel';
  return { username: url.searchParams.get('username') ?? '', password: url.searchParams.get('password') ?? '' };
}
