// The one API contract between the UI and the core. No Node, no electron: the renderer imports it too.
// Every host (Electron IPC, browser-mode HTTP, in-memory test binding) dispatches through the same table,
// so the three are identical by construction. Each feature declares its methods in a file of its own; this file
// only puts them together. Names are `noun.verb` with plural nouns (`idps.import`, `bundles.export`).
import { z } from 'zod';
import { type HandlersFor, type Result } from './common.ts';
import { demoUserMethods } from './demo-users.ts';
import { exportMethods } from './exports.ts';
import { idpMethods } from './idps.ts';
import { accountMethods, LoginSummary, loginMethods } from './logins.ts';
import { rulesMethods } from './rules.ts';
import { appMethods, settingsMethods, spMethods } from './sp.ts';
import { demoMethods } from './demo.ts';
import { jitMethods } from './jit.ts';
import { spTestEvents, spTestMethods } from './sp-test.ts';
import { targetMethods } from './targets.ts';
import { resetMethods } from './reset.ts';
import { sessionMethods, sloEvents, sloMethods } from './slo.ts';

export * from './common.ts';
export * from './demo-users.ts';
export * from './exports.ts';
export * from './idps.ts';
export * from './logins.ts';
export * from './rules.ts';
export * from './sp.ts';
export * from './demo.ts';
export * from './jit.ts';
export * from './jit-coverage.ts';
export * from './sp-profiles.ts';
export * from './sp-test.ts';
export * from './targets.ts';
export * from './reset.ts';
export * from './slo.ts';
export { JIT_RULES_VERSION, JitRules, type JitRulesInput, type RulesProblem } from './jit-rules.ts';

export const contract = {
  ...appMethods,
  ...spMethods,
  ...settingsMethods,
  ...idpMethods,
  ...demoUserMethods,
  ...loginMethods,
  ...accountMethods,
  ...rulesMethods,
  ...exportMethods,
  ...demoMethods,
  ...jitMethods,
  ...targetMethods,
  ...spTestMethods,
  ...sessionMethods,
  ...sloMethods,
  ...resetMethods,
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
export type Input<M extends Method> = z.input<Contract[M]['input']>;
export type Output<M extends Method> = z.output<Contract[M]['output']>;
/** Every handler of the contract: what the composition root (core/lab.ts) assembles from the feature modules. */
export type Handlers = HandlersFor<Contract>;

export const events = {
  'logins.completed': LoginSummary,
  /** A metadata file being read: `reading` (listing its IdPs, or an upload arriving), `extracting` (the picked IdP). */
  'idps.importProgress': z.object({ id: z.string(), phase: z.enum(['reading', 'extracting']), bytes: z.number().int(), total: z.number().int().nullable() }),
  ...spTestEvents,
  ...sloEvents,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;


export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** What the preload exposes as `window.lab` in Electron. */
export interface LabBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
