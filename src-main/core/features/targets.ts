// "Would your SP accept this?" on a stored login: the same response given to real SP libraries (core/targets/), each
// judged at the login's own time with the IdP profile's certificates, and compared with the lab's verdict.
import type { HandlersFor } from '../../contract/common.ts';
import type { targetMethods } from '../../contract/targets.ts';
import { TARGET_NAMES } from '../../contract/targets.ts';
import { LabError } from '../errors.ts';
import type { IdpRegistry } from '../idp/registry.ts';
import { signingCerts } from '../idp/metadata.ts';
import { judgeAgainstLab } from '../targets/index.ts';
import { targetInputForLogin } from '../targets/login-input.ts';
import { detail } from '../login-service.ts';
import type { StoreService } from '../store/store-service.ts';
import type { SpSettingsService } from './sp-settings.ts';

export function createTargetHandlers(deps: { store: StoreService; idps: IdpRegistry; sp: SpSettingsService; spPrivateKeyPem: string; runnersDir: string }): HandlersFor<typeof targetMethods> {
  return {
    'logins.targets': async (input) => {
      const login = deps.store.data.logins.find((l) => l.id === input.id);
      if (!login) throw new LabError('not-found', `There is no login "${input.id}" (it may have been pruned).`);
      const idp = login.idpEntityId ? deps.idps.byEntityId(login.idpEntityId) : null;
      if (!idp) throw new LabError('invalid-input', `This login's issuer (${login.idpEntityId ?? 'none'}) is not an IdP the lab trusts, so there is no certificate to give the libraries.`);
      const md = deps.idps.metadataOf(idp);
      const sp = deps.sp.settings();
      const target = targetInputForLogin(detail(login), {
        idpCertificatesPem: signingCerts(md).map((c) => `-----BEGIN CERTIFICATE-----\n${c.base64.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`),
        idpEntityId: md.entityId,
        spEntityId: sp.entityId,
        acsUrl: sp.acsUrl,
        spPrivateKeyPem: deps.spPrivateKeyPem,
      });
      if (!target) throw new LabError('invalid-input', 'This login holds no SAMLResponse to give the libraries.');
      return judgeAgainstLab(target, { verdict: login.verdict, nameId: login.nameId, checks: login.checks }, input.targets ?? TARGET_NAMES, {
        runnersDir: deps.runnersDir,
        keepWarmMs: 120_000,
      });
    },
  };
}
