import { z } from 'zod';
import { ById, Check, Verdict, type MethodSpec } from './common.ts';

// Lab sessions (one per accepted login) and Single Logout: the LogoutRequests the lab sent or received and the
// LogoutResponses to them, each verified check by check like a login.

export const SessionState = z.enum(['live', 'ended']);
export type SessionState = z.infer<typeof SessionState>;

export const SessionEndedBy = z.enum(['sp-logout', 'idp-logout', 'expiry', 'hand']);
export type SessionEndedBy = z.infer<typeof SessionEndedBy>;

export const Session = z.object({
  id: z.string(),
  state: SessionState,
  loginId: z.string(),
  accountId: z.string(),
  idpId: z.string(),
  idpEntityId: z.string(),
  nameId: z.string(),
  nameIdFormat: z.string().nullable(),
  nameQualifier: z.string().nullable(),
  spNameQualifier: z.string().nullable(),
  sessionIndex: z.string().nullable(),
  startedAt: z.string(),
  /** SessionNotOnOrAfter from the AuthnStatement: the session expires then. */
  notOnOrAfter: z.string().nullable(),
  endedAt: z.string().nullable(),
  endedBy: SessionEndedBy.nullable(),
  /** The SLO exchange that ended the session. */
  sloId: z.string().nullable(),
});
export type Session = z.infer<typeof Session>;

export const SloFlow = z.enum(['sp-initiated', 'idp-initiated']);
export type SloFlow = z.infer<typeof SloFlow>;

export const SloSummary = z.object({
  id: z.string(),
  flow: SloFlow,
  startedAt: z.string(),
  completedAt: z.string().nullable(),
  /** pending: the lab sent a LogoutRequest and waits for the LogoutResponse. */
  state: z.enum(['pending', 'completed']),
  verdict: Verdict.nullable(),
  binding: z.enum(['redirect', 'post']).nullable(),
  idpEntityId: z.string().nullable(),
  sessionId: z.string().nullable(),
  nameId: z.string().nullable(),
  status: z.string().nullable(),
  failedCheckIds: z.array(z.string()),
});
export type SloSummary = z.infer<typeof SloSummary>;

export const SloDetail = SloSummary.extend({
  requestId: z.string().nullable(),
  requestXml: z.string().nullable(),
  responseXml: z.string().nullable(),
  statusMessage: z.string().nullable(),
  relayState: z.string().nullable(),
  checks: z.array(Check),
});
export type SloDetail = z.infer<typeof SloDetail>;

export const sessionMethods = {
  'sessions.list': {
    input: z.object({ state: SessionState.optional(), accountId: z.string().optional() }).strict(),
    output: z.array(Session),
  },
  'sessions.end': { input: ById, output: Session },
  /** The URL that sends the session's LogoutRequest (`/saml/logout?session=ID`); Electron opens it in the login window. */
  'sessions.logout': { input: ById, output: z.object({ url: z.string(), opened: z.boolean() }) },
} as const satisfies Record<string, MethodSpec>;

export const sloMethods = {
  'slo.list': {
    input: z.object({ limit: z.number().int().positive().optional(), sessionId: z.string().optional() }).strict(),
    output: z.array(SloSummary),
  },
  'slo.get': { input: ById, output: SloDetail },
} as const satisfies Record<string, MethodSpec>;

export const sloEvents = {
  /** A logout exchange completed or was refused (a session may have ended): the Sessions view reloads. */
  'slo.completed': SloSummary,
} as const;
