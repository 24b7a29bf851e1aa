// The setup guide's step states, derived from what the lab already knows (IdPs, logins, the last login's detail).
// Nothing here is remembered separately: a step is done when the data shows it is done.
import type { IdpProfile, LoginDetail, LoginSummary } from '../../src-main/contract/index.ts';

export type StepState = 'done' | 'attention' | 'todo';

export interface StepStatus {
  state: StepState;
  /** One line under the step title saying why it has this state. */
  note: string;
  /** Replaces the state's badge text (e.g. "Optional"). */
  label?: string;
}

export const STEP_IDS = ['idp', 'sp', 'mapping', 'test', 'result', 'export'] as const;
export type StepId = (typeof STEP_IDS)[number];

/** The steps that make a working setup (export is optional). */
export const REQUIRED_STEPS = STEP_IDS.filter((id) => id !== 'export');

/** Checks whose failure means the IdP does not know this SP's values (step 2) or the lab has the wrong IdP (step 1). */
const SP_VALUE_CHECKS = ['audience', 'destination', 'subject-confirmation.recipient'];
const IDP_CHECKS = ['issuer.known', 'issuer.response', 'issuer.assertion', 'signature.cert-in-metadata'];

export interface WalkthroughInput {
  idps: IdpProfile[];
  logins: LoginSummary[];
  /** The newest login from the active IdP (or from an unknown issuer), with its detail once loaded. */
  lastDetail: LoginDetail | null;
  /** The newest accepted login from the active IdP, with its detail once loaded. */
  lastAcceptedDetail: LoginDetail | null;
  now: number;
}

export function activeIdpOf(idps: IdpProfile[]): IdpProfile | undefined {
  return idps.find((i) => i.active);
}

/** Logins attributable to the IdP: from its entity ID, or from an issuer the lab did not recognise. */
export function loginsFor(idp: IdpProfile | undefined, logins: LoginSummary[]): { last: LoginSummary | undefined; lastAccepted: LoginSummary | undefined } {
  let last: LoginSummary | undefined;
  let lastAccepted: LoginSummary | undefined;
  if (idp === undefined) return { last, lastAccepted };
  for (const login of logins) {
    if (login.idpEntityId !== idp.entityId && login.idpEntityId !== null) continue;
    last ??= login;
    if (login.verdict === 'accepted') {
      lastAccepted = login;
      break;
    }
  }
  return { last, lastAccepted };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function walkthroughStatus(input: WalkthroughInput): Record<StepId, StepStatus> {
  const idp = activeIdpOf(input.idps);
  const { last, lastAccepted } = loginsFor(idp, input.logins);
  const failed = new Set(last?.failedCheckIds ?? []);

  let idpStep: StepStatus;
  if (idp === undefined) {
    idpStep = { state: 'todo', note: 'No IdP is active. Pick the built-in demo IdP or import yours.' };
  } else if (idp.certificates.filter((c) => c.use !== 'encryption').length === 0) {
    idpStep = { state: 'attention', note: `${idp.name} has no signing certificate: no response from it can be verified. Re-import its metadata.` };
  } else if (idp.certificates.some((c) => c.use !== 'encryption' && Date.parse(c.notAfter) < input.now)) {
    idpStep = { state: 'attention', note: `A signing certificate of ${idp.name} has expired. Download fresh metadata from the IdP and import it again.` };
  } else if (IDP_CHECKS.some((c) => failed.has(c))) {
    idpStep = {
      state: 'attention',
      note: `The last login failed ${IDP_CHECKS.filter((c) => failed.has(c)).join(', ')}: the IdP that answered is not the one whose metadata is active, or it changed its key. Re-import its metadata.`,
    };
  } else {
    idpStep = {
      state: 'done',
      note: idp.kind === 'demo' ? 'Using the built-in demo IdP. Import your own IdP’s metadata whenever you are ready.' : `Using ${idp.name}.`,
    };
  }

  let spStep: StepStatus;
  const spFailures = SP_VALUE_CHECKS.filter((c) => failed.has(c));
  if (idp === undefined) spStep = { state: 'todo', note: 'Choose an IdP first.' };
  else if (spFailures.length > 0)
    spStep = { state: 'attention', note: `The last login failed ${spFailures.join(', ')}: the IdP has a different entity ID or ACS URL than the values below.` };
  else if (idp.kind === 'demo') spStep = { state: 'done', note: 'The demo IdP already uses these values.' };
  else if (last !== undefined) spStep = { state: 'done', note: `${idp.name} sent a login to this SP.` };
  else spStep = { state: 'todo', note: `Paste these values into ${idp.name}’s admin console. This step is done when its first login arrives.` };

  let mappingStep: StepStatus;
  const detail = input.lastAcceptedDetail !== null && input.lastAcceptedDetail.id === lastAccepted?.id ? input.lastAcceptedDetail : null;
  const rulesSaved = idp?.rulesUpdatedAt ?? null;
  if (lastAccepted === undefined) mappingStep = { state: 'todo', note: `${rulesSaved ? 'Your rules apply' : 'The preset rules apply'}. Check them after the first accepted login.` };
  else if (rulesSaved !== null && lastAccepted.receivedAt < rulesSaved) {
    mappingStep = { state: 'attention', note: 'The rules changed after the last accepted login: sign in again to see what they do.' };
  } else if (detail === null) mappingStep = { state: 'done', note: 'The last accepted login went through these rules.' };
  else {
    const filled = detail.diff.changes.filter((c) => c.after !== null && !(Array.isArray(c.after) && c.after.length === 0) && c.after !== '');
    const hasEmail = filled.some((c) => c.field === 'email');
    mappingStep = hasEmail
      ? { state: 'done', note: `The last accepted login filled ${filled.map((c) => c.field).join(', ')}.` }
      : {
          state: 'attention',
          note:
            filled.length === 0
              ? 'The last accepted login filled no account field: the IdP released none of the attributes below.'
              : `The last accepted login filled ${filled.map((c) => c.field).join(', ')} but no email: release an email attribute.`,
        };
  }

  const testStep: StepStatus =
    idp === undefined
      ? { state: 'todo', note: 'Choose an IdP first.' }
      : last === undefined
        ? { state: 'todo', note: `No login from ${idp.name} yet. Start one below; it appears here as soon as it arrives.` }
        : { state: 'done', note: `${plural(countFrom(idp, input.logins), 'login')} received from ${idp.name}.` };

  const resultStep: StepStatus =
    last === undefined
      ? { state: 'todo', note: 'The verdict of your test login will show here.' }
      : last.verdict === 'accepted'
        ? { state: 'done', note: `The last login was accepted${last.diffKind === 'created' ? ' and created an account' : last.diffKind === 'updated' ? ' and updated the account' : ''}.` }
        : { state: 'attention', note: `The last login was rejected: ${plural(last.failedCheckIds.length, 'check')} failed.` };

  return {
    idp: idpStep,
    sp: spStep,
    mapping: mappingStep,
    test: testStep,
    result: resultStep,
    export: { state: 'todo', label: 'Optional', note: 'Export the tested configuration for the application that will run the SSO.' },
  };
}

function countFrom(idp: IdpProfile, logins: LoginSummary[]): number {
  let n = 0;
  for (const l of logins) if (l.idpEntityId === idp.entityId) n++;
  return n;
}

/**
 * The step to open by default: the first one not done (export excluded; mapping skipped while it only waits for a
 * first login, since nothing can be done there before one); the result once all are done.
 */
export function currentStep(status: Record<StepId, StepStatus>): StepId {
  for (const id of STEP_IDS) {
    if (id === 'export') break;
    if (id === 'mapping' && status.mapping.state === 'todo') continue;
    if (status[id].state !== 'done') return id;
  }
  return 'result';
}
