// Protocol checks, read from the signed assertion (and the signed Response when it is signed).
import { NS, attr, childElements, descendants, firstChild, hasCommentInside, textOf } from '../../util/xml.ts';
import type { ResponseContext } from '../context.ts';
import type { CheckModule } from './check.ts';
import { fail, parseInstant, pass, warn } from './check.ts';

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export const issuerKnownCheck: CheckModule = {
  id: 'issuer.known',
  title: 'Issuer is a configured IdP',
  run: (ctx) => {
    if (!ctx.root || ctx.schema === null) return null;
    const configured = ctx.input.idps.map((i) => i.entityId).join(', ') || 'none';
    const assertion = ctx.postedAssertion;
    const received = ctx.responseIssuer ?? textOf(assertion ? firstChild(assertion, NS.saml, 'Issuer') : null)?.trim() ?? 'no Issuer';
    return ctx.idp
      ? pass(configured, received)
      : fail(configured, received, 'This response comes from an IdP that is not configured here. Import its metadata (or fix the IdP entity ID).');
  },
};

export const responseIssuerCheck: CheckModule = {
  id: 'issuer.response',
  title: 'Response Issuer matches the IdP',
  run: (ctx) => {
    if (!ctx.idp || !ctx.response) return null;
    const issuer = textOf(firstChild(ctx.response, NS.saml, 'Issuer'))?.trim() ?? null;
    if (issuer === null) return pass(ctx.idp.entityId, 'absent (optional on the Response)');
    return issuer === ctx.idp.entityId
      ? pass(ctx.idp.entityId, issuer)
      : fail(ctx.idp.entityId, issuer, 'The Response and the IdP metadata disagree on the entity ID. Check the IdP\'s issuer setting.');
  },
};

export const assertionIssuerCheck: CheckModule = {
  id: 'issuer.assertion',
  title: 'Assertion Issuer matches the IdP',
  run: (ctx) => {
    if (!ctx.idp || !ctx.assertion) return null;
    const issuer = textOf(firstChild(ctx.assertion, NS.saml, 'Issuer'))?.trim() ?? null;
    return issuer === ctx.idp.entityId
      ? pass(ctx.idp.entityId, issuer)
      : fail(ctx.idp.entityId, issuer ?? 'absent', 'The signed assertion names another issuer than the IdP metadata. Re-import the right IdP metadata.');
  },
};

export const statusCheck: CheckModule = {
  id: 'status.success',
  title: 'Status is Success',
  run: (ctx) => {
    if (!ctx.response || ctx.schema === null) return null;
    const status = firstChild(ctx.response, NS.samlp, 'Status');
    const top = status ? firstChild(status, NS.samlp, 'StatusCode') : null;
    const second = top ? firstChild(top, NS.samlp, 'StatusCode') : null;
    const message = textOf(status ? firstChild(status, NS.samlp, 'StatusMessage') : null)?.trim();
    const value = attr(top, 'Value') ?? 'absent';
    const received = [value, attr(second, 'Value'), message].filter(Boolean).join(' / ');
    return value === SUCCESS
      ? pass(SUCCESS, received)
      : fail(SUCCESS, received, 'The IdP refused the login. Its status (and second-level code) says why: often the user is not assigned to the app, or the NameID format cannot be produced.');
  },
};

export const destinationCheck: CheckModule = {
  id: 'destination',
  title: 'Destination is this ACS URL',
  run: (ctx) => {
    if (!ctx.response || !ctx.idp) return null;
    const dest = attr(ctx.response, 'Destination');
    const acs = ctx.input.sp.acsUrl;
    const mode = ctx.policy.destination;
    if (dest === null) {
      if (!ctx.responseSigned) return warn(acs, 'absent', 'The Response has no Destination; the Recipient in the assertion is checked instead.');
      // SAML bindings 3.5.5.2: a signed Response sent over HTTP-POST MUST carry Destination. The Recipient (checked
      // separately) still binds the assertion to this ACS, and ruby-saml, node-saml and python3-saml accept it.
      return mode === 'strict'
        ? fail(acs, 'absent on a signed Response', 'A signed Response must carry Destination (SAML bindings 3.5.5.2); the policy requires it. Configure the ACS URL in the IdP.')
        : warn(acs, 'absent on a signed Response', 'A signed Response should carry Destination (SAML bindings 3.5.5.2). ruby-saml, node-saml, python3-saml, SimpleSAMLphp and Keycloak accept it without one (the Recipient is checked instead); crewjam/saml (Grafana) refuses it. Configure the ACS URL in the IdP.');
    }
    if (dest === acs) return pass(acs, dest);
    if (mode === 'off') {
      return warn(acs, dest, `The IdP addressed this response to ${dest}. The SP this policy mirrors does not compare Destination (node-saml does not); ruby-saml and python3-saml refuse it. Set the IdP's ACS / Reply URL to ${acs}.`);
    }
    return fail(acs, dest, `The IdP sends this response to ${dest}. Set the IdP's ACS / Reply URL to ${acs}.`);
  },
};

export const audienceCheck: CheckModule = {
  id: 'audience',
  title: 'Audience is this SP',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const conditions = firstChild(ctx.assertion, NS.saml, 'Conditions');
    const restrictions = conditions ? childElements(conditions, NS.saml, 'AudienceRestriction') : [];
    const sp = ctx.input.sp.entityId;
    if (restrictions.length === 0) {
      const hint = 'The assertion is not restricted to any audience, so it could be replayed to another SP that trusts this IdP. Set the SP entity ID (Audience URI) in the IdP.';
      return ctx.policy.audience === 'if-present'
        ? warn(sp, 'no AudienceRestriction', `${hint} The SP this policy mirrors accepts it (ruby-saml and python3-saml skip the check when no Audience is present); node-saml refuses it.`)
        : fail(sp, 'no AudienceRestriction', hint);
    }
    // Each AudienceRestriction must include us (SAML core 2.5.1.4).
    const lists = restrictions.map((r) => childElements(r, NS.saml, 'Audience').map((a) => (textOf(a) ?? '').trim()));
    const received = lists.map((l) => l.join(', ')).join(' | ');
    return lists.every((l) => l.includes(sp))
      ? pass(sp, received)
      : fail(sp, received, `The IdP issued this assertion for ${received}. Set its Audience URI / SP entity ID to ${sp}.`);
  },
};

function bearerData(ctx: ResponseContext): Element[] {
  if (!ctx.assertion) return [];
  const subject = firstChild(ctx.assertion, NS.saml, 'Subject');
  if (!subject) return [];
  return childElements(subject, NS.saml, 'SubjectConfirmation')
    .filter((sc) => attr(sc, 'Method') === BEARER)
    .map((sc) => firstChild(sc, NS.saml, 'SubjectConfirmationData'))
    .filter((d): d is Element => d !== null);
}

export const recipientCheck: CheckModule = {
  id: 'subject-confirmation.recipient',
  title: 'Bearer confirmation Recipient is this ACS URL',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const acs = ctx.input.sp.acsUrl;
    const data = bearerData(ctx);
    if (data.length === 0) return fail(`bearer SubjectConfirmation for ${acs}`, 'none', 'The assertion has no bearer SubjectConfirmation; web SSO requires one.');
    const recipients = data.map((d) => attr(d, 'Recipient') ?? 'absent');
    return recipients.includes(acs)
      ? pass(acs, recipients.join(', '))
      : fail(acs, recipients.join(', '), `Set the IdP's ACS / Recipient URL to ${acs}.`);
  },
};

export const confirmationExpiryCheck: CheckModule = {
  id: 'subject-confirmation.expiry',
  title: 'Bearer confirmation has not expired',
  run: (ctx) => {
    const data = bearerData(ctx);
    if (data.length === 0) return null;
    const now = ctx.input.now.getTime();
    const limits = data.map((d) => parseInstant(attr(d, 'NotOnOrAfter')));
    const expected = `NotOnOrAfter later than ${new Date(now - ctx.skewMs).toISOString()} (now − skew)`;
    if (limits.some((l) => l === null)) return fail(expected, 'NotOnOrAfter absent or unparsable', 'A bearer confirmation must say until when it may be used (NotOnOrAfter).');
    const ok = limits.some((l) => l!.getTime() + ctx.skewMs > now);
    const received = limits.map((l) => l!.toISOString()).join(', ');
    return ok ? pass(expected, received) : fail(expected, received, 'The assertion arrived too late: it expired before it was posted. Check both clocks, or the response was replayed.');
  },
};

export const timeWindowCheck: CheckModule = {
  id: 'conditions.time-window',
  title: 'Now is inside the Conditions time window',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const conditions = firstChild(ctx.assertion, NS.saml, 'Conditions');
    const nb = parseInstant(attr(conditions, 'NotBefore'));
    const noa = parseInstant(attr(conditions, 'NotOnOrAfter'));
    const now = ctx.input.now.getTime();
    const skew = ctx.skewMs;
    const received = `NotBefore ${nb?.toISOString() ?? 'absent'}, NotOnOrAfter ${noa?.toISOString() ?? 'absent'}`;
    const expected = `${ctx.input.now.toISOString()} within the window (± ${skew / 1000} s skew)`;
    if (nb && nb.getTime() - skew > now) {
      return fail(expected, received, 'The assertion is not valid yet: the IdP clock is ahead of this machine by more than the allowed skew. Sync the clocks (NTP) or raise the skew.');
    }
    if (noa && noa.getTime() + skew <= now) {
      return fail(expected, received, 'The assertion has expired. Check both clocks, or the response was replayed later.');
    }
    return pass(expected, received);
  },
};

export const inResponseToCheck: CheckModule = {
  id: 'in-response-to',
  title: 'InResponseTo matches a request we sent',
  run: (ctx) => {
    if (!ctx.assertion || !ctx.response || !ctx.idp) return null;
    const onResponse = attr(ctx.response, 'InResponseTo');
    const onConfirmation = bearerData(ctx).map((d) => attr(d, 'InResponseTo')).find((v) => v !== null) ?? null;
    const id = onResponse ?? onConfirmation;
    if (onResponse && onConfirmation && onResponse !== onConfirmation) {
      return fail(onResponse, onConfirmation, 'The Response and the SubjectConfirmationData answer different requests.');
    }
    if (id === null) {
      return ctx.policy.allowUnsolicited
        ? warn('an outstanding AuthnRequest ID (or unsolicited allowed)', 'unsolicited (IdP-initiated)', 'IdP-initiated logins are allowed by the current policy. Require SP-initiated logins to refuse them.')
        : fail('an outstanding AuthnRequest ID', 'unsolicited (IdP-initiated)', 'This SP requires SP-initiated logins. Start the login from the app, or allow unsolicited responses.');
    }
    if (ctx.input.outstanding.unknown) {
      return warn('the ID of the AuthnRequest you sent', id, 'Not checked: no record of the requests sent was given (saml-jit-lab verify: pass --in-response-to with the AuthnRequest ID).');
    }
    const req = ctx.input.outstanding.find(id);
    if (!req && ctx.policy.inResponseTo === 'off') {
      return warn('an outstanding AuthnRequest ID', id, 'This response answers a request this SP did not send (or already used). The SP this policy mirrors keeps no request state and accepts it (node-saml validateInResponseTo "never", omniauth-saml); an SP that tracks its requests refuses it, and tracking them is what stops login CSRF. Start a new login.');
    }
    if (!req) return fail('an outstanding AuthnRequest ID', id, 'This response answers a request this SP did not send (or already used). Start a new login.');
    if (req.idpEntityId !== ctx.idp.entityId) return fail(`a request sent to ${req.idpEntityId}`, `answered by ${ctx.idp.entityId}`, 'Another IdP answered this request.');
    if (req.expiresAt.getTime() <= ctx.input.now.getTime()) return fail(`request ${id} still open`, `expired at ${req.expiresAt.toISOString()}`, 'The login took too long; start it again.');
    return pass('an outstanding AuthnRequest ID', id);
  },
};

export const replayCheck: CheckModule = {
  id: 'replay',
  title: 'Assertion not seen before',
  run: (ctx) => {
    if (!ctx.assertion || !ctx.idp) return null;
    const id = attr(ctx.assertion, 'ID');
    if (!id) return fail('an assertion ID', 'absent', 'The assertion has no ID.');
    return ctx.input.replay.seen(id, ctx.idp.entityId)
      ? fail('an assertion ID not used before', id, 'This exact assertion was already used: a replay. Each login needs a fresh response from the IdP.')
      : pass('an assertion ID not used before', id);
  },
};

export const nameIdCheck: CheckModule = {
  id: 'nameid.present',
  title: 'Subject has a NameID',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const subject = firstChild(ctx.assertion, NS.saml, 'Subject');
    const nameId = subject ? firstChild(subject, NS.saml, 'NameID') : null;
    const value = textOf(nameId)?.trim() ?? '';
    if (!value) return fail('a NameID', 'absent or empty', 'The IdP sent no NameID. Configure its NameID (subject) source for this app.');
    return pass('a NameID', value);
  },
};

export const nameIdFormatCheck: CheckModule = {
  id: 'nameid.format',
  title: 'NameID format is the one the SP asks for',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const subject = firstChild(ctx.assertion, NS.saml, 'Subject');
    const format = attr(subject ? firstChild(subject, NS.saml, 'NameID') : null, 'Format') ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
    const wanted = ctx.policy.nameIdFormat;
    if (!wanted || wanted.endsWith(':unspecified') || wanted === format) return pass(wanted ?? 'any', format);
    return warn(wanted, format, format.endsWith(':transient')
      ? 'A transient NameID changes at every login: each login would create a new account. Ask the IdP for a persistent or email NameID.'
      : 'The IdP sends another NameID format than the SP asks for; accounts are keyed by this value, so make sure it is stable.');
  },
};

export const authnStatementCheck: CheckModule = {
  id: 'authn.statement',
  title: 'The assertion has an AuthnStatement',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const authn = firstChild(ctx.assertion, NS.saml, 'AuthnStatement');
    const classRef = textOf(authn ? descendants(authn, NS.saml, 'AuthnContextClassRef')[0] ?? null : null)?.trim();
    if (authn) return pass('an AuthnStatement', classRef ?? 'present');
    const hint = 'The SAML Web SSO profile (4.1.4.2) requires an AuthnStatement saying how the user authenticated. ruby-saml (GitLab, omniauth-saml) and python3-saml refuse this response ("The Assertion must include one AuthnStatement element"); node-saml and samlify accept it. Make the IdP send an authentication statement (Keycloak: a client without "Include AuthnStatement" turned off).';
    return ctx.policy.requireAuthnStatement ? fail('an AuthnStatement (required by policy)', 'absent', hint) : warn('an AuthnStatement', 'absent', hint);
  },
};

export const sessionExpiryCheck: CheckModule = {
  id: 'authn.session-expiry',
  title: 'The IdP session has not ended',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const authn = firstChild(ctx.assertion, NS.saml, 'AuthnStatement');
    const raw = attr(authn, 'SessionNotOnOrAfter');
    if (raw === null) return pass('SessionNotOnOrAfter in the future, if present', 'absent');
    const limit = parseInstant(raw);
    if (!limit) return fail('a valid SessionNotOnOrAfter', raw, 'SessionNotOnOrAfter is not an xs:dateTime.');
    return limit.getTime() + ctx.skewMs > ctx.input.now.getTime()
      ? pass(`after ${ctx.input.now.toISOString()}`, limit.toISOString())
      : fail(`after ${ctx.input.now.toISOString()}`, limit.toISOString(), 'The IdP says this session has already ended. Sign in again at the IdP.');
  },
};

export const issueInstantCheck: CheckModule = {
  id: 'assertion.issue-instant',
  title: 'The assertion was issued recently, not in the future',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const issued = parseInstant(attr(ctx.assertion, 'IssueInstant'));
    const now = ctx.input.now.getTime();
    const expected = `between ${new Date(now - 3600_000).toISOString()} and ${new Date(now + ctx.skewMs).toISOString()}`;
    if (!issued) return fail(expected, attr(ctx.assertion, 'IssueInstant') ?? 'absent', 'IssueInstant is missing or not an xs:dateTime.');
    if (issued.getTime() - ctx.skewMs > now) return fail(expected, issued.toISOString(), 'The IdP clock is ahead of this machine by more than the allowed skew. Sync the clocks (NTP).');
    const maxDelay = ctx.policy.maxIssueDelaySeconds;
    if (maxDelay !== null && issued.getTime() + maxDelay * 1000 < now) {
      return fail(`issued within ${maxDelay} s before ${ctx.input.now.toISOString()} (policy)`, issued.toISOString(),
        `The SP this policy mirrors refuses an assertion issued more than ${maxDelay} s before it arrives (crewjam/saml MaxIssueDelay; Grafana max_issue_delay, 90 s by default). Check both clocks, and that the user is not held up between the IdP and the SP; or raise that setting.`);
    }
    if (issued.getTime() < now - 3600_000) return warn(expected, issued.toISOString(), 'This assertion was issued more than an hour ago: it is being replayed, or the clocks disagree.');
    return pass(expected, issued.toISOString());
  },
};

export const confirmationNotBeforeCheck: CheckModule = {
  id: 'subject-confirmation.not-before',
  title: 'Bearer confirmation carries no NotBefore',
  run: (ctx) => {
    const data = bearerData(ctx);
    if (data.length === 0) return null;
    const withNotBefore = data.map((d) => attr(d, 'NotBefore')).filter((v): v is string => v !== null);
    return withNotBefore.length === 0
      ? pass('no NotBefore (SAML profiles 4.1.4.2)', 'absent')
      : warn('no NotBefore (SAML profiles 4.1.4.2)', withNotBefore.join(', '), 'The Web SSO profile forbids NotBefore on a bearer confirmation. ruby-saml, python3-saml and SimpleSAMLphp accept it as long as that time has come (they refuse it while it is in the future); have the IdP drop it.');
  },
};

export const commentInValueCheck: CheckModule = {
  id: 'xml.comment-in-value',
  title: 'No XML comment inside NameID or attribute values',
  run: (ctx) => {
    if (!ctx.assertion || !ctx.postedAssertion) return null;
    // The signed bytes are canonicalized without comments, so look in the assertion as posted (or decrypted).
    const values = [...descendants(ctx.postedAssertion, NS.saml, 'NameID'), ...descendants(ctx.postedAssertion, NS.saml, 'AttributeValue')];
    const commented = values.filter((el) => hasCommentInside(el));
    if (commented.length === 0) return pass('no comments inside values', 'none');
    const received = commented.map((el) => `${el.localName} "${(textOf(el) ?? '').trim()}"`).join(', ');
    return warn('no comments inside values', received, 'A comment splits this value (the 2018 comment-truncation attack). The full text is used here; make sure your application reads it whole too.');
  },
};
