import { describe, expect, it } from 'vitest';
import { AUTH_PROMPT_ACTION, authPromptHtml, authPromptUrl, readAuthSubmission } from './auth-prompt.ts';

const challenge = { isProxy: false, scheme: 'basic', host: 'idp.corp.example', port: 443, realm: 'Corp SSO' };

describe('HTTP authentication prompt', () => {
  it('names the host, scheme and realm, and has a user name and a password field', () => {
    const html = authPromptHtml(challenge, 'https://idp.corp.example/sso');
    expect(html).toContain('idp.corp.example asks for a user name and password (basic, realm “Corp SSO”)');
    expect(html).toMatch(/<input id="u" name="username" autofocus>/);
    expect(html).toMatch(/<input id="p" name="password" type="password">/);
    expect(html).not.toMatch(/not encrypted/);
  });

  it('says so when Basic credentials would go over plain http, and names a proxy as a proxy', () => {
    expect(authPromptHtml(challenge, 'http://idp.corp.example/sso')).toMatch(/not encrypted/);
    expect(authPromptHtml({ ...challenge, isProxy: true, scheme: 'ntlm', host: 'proxy.corp', port: 3128 }, 'https://idp.example/')).toContain('The proxy proxy.corp:3128 asks');
  });

  it('escapes what the server sent and runs no script; the form can only go to the prompt address', () => {
    const hostile = { ...challenge, realm: '"><script>alert(1)</script><img src=x onerror=alert(2)>', host: 'a<b>.example' };
    const html = authPromptHtml(hostile, 'https://a.example/');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain(`form-action ${AUTH_PROMPT_ACTION}`);
    expect(html).toContain("default-src 'none'");
    expect(decodeURIComponent(authPromptUrl(hostile, 'https://a.example/').replace(/^data:text\/html;charset=utf-8,/, ''))).toBe(html);
  });

  it('reads the submitted credentials (any characters), a cancel, and ignores every other address', () => {
    const form = new URLSearchParams({ username: 'CORP\\ana', password: 'p&ss word=+ü', action: 'sign-in' });
    expect(readAuthSubmission(`${AUTH_PROMPT_ACTION}?${form}`)).toEqual({ username: 'CORP\\ana', password: 'p&ss word=+ü' });
    expect(readAuthSubmission(`${AUTH_PROMPT_ACTION}?username=a&password=b&action=cancel`)).toBe('cancel');
    expect(readAuthSubmission('https://auth-prompt.saml-jit-lab.invalid/other?username=a')).toBeNull();
    expect(readAuthSubmission('https://evil.example/submit?username=a&password=b&action=sign-in')).toBeNull();
    expect(readAuthSubmission('not a url')).toBeNull();
  });
});
