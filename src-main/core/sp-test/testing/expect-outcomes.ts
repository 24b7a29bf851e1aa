// The suite's report must agree, case by case, with what the application's SAML library itself decided on the
// very bytes the suite posted (tiny-app.ts logs each attempt), and no wrapping attack may have signed in the
// forged identity.
import { expect } from 'vitest';
import type { SpTestReport } from '../../../contract/sp-test.ts';
import { FORGED_NAME_ID } from '../cases.ts';
import type { AcsAttempt } from './tiny-app.ts';

export function expectReportMatchesLibrary(report: SpTestReport, attempts: readonly AcsAttempt[]): void {
  expect(attempts).toHaveLength(report.cases.length);
  report.cases.forEach((c, i) => {
    const attempt = attempts[i]!;
    expect(attempt.samlResponse, c.id).toBe(c.evidence.samlResponse);
    expect(c.observed === 'accepted' || c.observed === 'accepted-as-signed-user', `${c.id}: ${attempt.error}`).toBe(attempt.accepted);
  });
  expect(attempts.map((a) => a.nameId)).not.toContain(FORGED_NAME_ID);
}
