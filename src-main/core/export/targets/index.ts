// The target-stack exports by target.
import type { ExportTarget } from '../../../contract/index.ts';
import type { TargetContext, TargetExport } from './common.ts';
import { gitlabExport } from './gitlab.ts';
import { grafanaExport } from './grafana.ts';
import { keycloakExport } from './keycloak.ts';
import { nodeSamlExport } from './node-saml.ts';
import { simpleSamlPhpExport } from './simplesamlphp.ts';

export type { TargetContext, TargetExport } from './common.ts';

const TARGETS: Record<ExportTarget, (ctx: TargetContext) => TargetExport> = {
  'node-saml': nodeSamlExport,
  grafana: grafanaExport,
  gitlab: gitlabExport,
  simplesamlphp: simpleSamlPhpExport,
  keycloak: keycloakExport,
};

export function exportTarget(target: ExportTarget, ctx: TargetContext): TargetExport {
  return TARGETS[target](ctx);
}
