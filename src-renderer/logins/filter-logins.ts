// Filtering and search over login summaries, in the renderer (logins.list returns every summary; 10,000 filter in a
// few milliseconds). Pure functions: the view store holds the filter, the screen memoizes the result.
import type { IdpProfile, LoginSummary, Verdict } from '../../src-main/contract/index.ts';

export const UNKNOWN_IDP = '(unknown issuer)';

export interface LoginFilter {
  verdict: 'all' | Verdict;
  /** An IdP entity ID, UNKNOWN_IDP for logins whose issuer was not recognised, or '' for any. */
  idp: string;
  /** Part of the user's NameID (verified or claimed), case-insensitive; '' for any. */
  user: string;
  /** Free text: every word must appear somewhere in the login (user, IdP, check ids, verdict, flow, id). */
  query: string;
}

export const EMPTY_FILTER: LoginFilter = { verdict: 'all', idp: '', user: '', query: '' };

export function isFiltered(filter: LoginFilter): boolean {
  return filter.verdict !== 'all' || filter.idp !== '' || filter.user.trim() !== '' || filter.query.trim() !== '';
}

const haystacks = new WeakMap<LoginSummary, string>();

function haystack(login: LoginSummary, idpName: (entityId: string | null) => string): string {
  let text = haystacks.get(login);
  if (text === undefined) {
    text = [
      login.id,
      login.nameId ?? '',
      login.claimedNameId ?? '',
      login.idpEntityId ?? UNKNOWN_IDP,
      idpName(login.idpEntityId),
      login.verdict,
      login.flow,
      login.diffKind,
      ...login.failedCheckIds,
    ]
      .join('\n')
      .toLowerCase();
    haystacks.set(login, text);
  }
  return text;
}

export function userOf(login: LoginSummary): string | null {
  return login.nameId ?? login.claimedNameId;
}

export function filterLogins(logins: LoginSummary[], filter: LoginFilter, idpName: (entityId: string | null) => string): LoginSummary[] {
  if (!isFiltered(filter)) return logins;
  const words = filter.query.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  const user = filter.user.trim().toLowerCase();
  return logins.filter((login) => {
    if (filter.verdict !== 'all' && login.verdict !== filter.verdict) return false;
    if (filter.idp !== '' && (login.idpEntityId ?? UNKNOWN_IDP) !== filter.idp) return false;
    if (user !== '') {
      const a = login.nameId?.toLowerCase() ?? '';
      const b = login.claimedNameId?.toLowerCase() ?? '';
      if (!a.includes(user) && !b.includes(user)) return false;
    }
    if (words.length > 0) {
      const text = haystack(login, idpName);
      for (const w of words) if (!text.includes(w)) return false;
    }
    return true;
  });
}

/** IdPs to offer in the filter: the configured ones, then entity IDs seen only in logins, then unknown issuers. */
export function idpOptions(idps: IdpProfile[], logins: LoginSummary[]): { value: string; label: string }[] {
  const options = idps.map((i) => ({ value: i.entityId, label: i.name }));
  const known = new Set(options.map((o) => o.value));
  let unknown = false;
  for (const login of logins) {
    if (login.idpEntityId === null) unknown = true;
    else if (!known.has(login.idpEntityId)) {
      known.add(login.idpEntityId);
      options.push({ value: login.idpEntityId, label: login.idpEntityId });
    }
  }
  if (unknown) options.push({ value: UNKNOWN_IDP, label: 'Unknown issuer' });
  return options;
}

/** The most recent distinct users, for the user filter's suggestions. */
export function recentUsers(logins: LoginSummary[], max = 200): string[] {
  const seen = new Set<string>();
  for (const login of logins) {
    const user = userOf(login);
    if (user !== null) seen.add(user);
    if (seen.size >= max) break;
  }
  return [...seen];
}
