import { z } from 'zod';
import { CheckStatus, Empty, Verdict, type MethodSpec } from './common.ts';
import { DemoUser } from './demo-users.ts';

// The demo IdP as a scenario engine: per-user NameID settings, attributes added and removed, and the table of
// scenarios (each a classic failure, produced through the real signing path, with the checks it trips).

/** The NameID formats the demo IdP can send, by short name. */
export const DEMO_NAMEID_FORMATS = {
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
} as const;
export const DemoNameIdFormat = z.enum(['emailAddress', 'persistent', 'transient', 'unspecified']);
export type DemoNameIdFormat = z.infer<typeof DemoNameIdFormat>;

/** What the IdP does to the NameID's letters: rehearses an IdP that changes its NameID case. */
export const DemoNameIdCase = z.enum(['as-is', 'lower', 'upper']);
export type DemoNameIdCase = z.infer<typeof DemoNameIdCase>;

export const DemoUserProfile = DemoUser.extend({
  nameIdFormat: DemoNameIdFormat,
  nameIdCase: DemoNameIdCase,
  /** The NameID the next login sends (transient: an example, a new one each login). */
  effectiveNameId: z.string(),
  /** True when the person changed anything compared with the shipped user. */
  edited: z.boolean(),
});
export type DemoUserProfile = z.infer<typeof DemoUserProfile>;

export const DemoScenarioParam = z.object({
  /** The query/form parameter that carries it (`seconds`, `count`, `kb`). */
  name: z.string(),
  label: z.string(),
  default: z.number().int(),
  min: z.number().int(),
  max: z.number().int(),
});
export type DemoScenarioParam = z.infer<typeof DemoScenarioParam>;

export const DemoScenario = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  /** The checks this scenario trips, the main one first. */
  checks: z.array(z.string()),
  /** What those checks say about it with the SP's default settings. */
  status: CheckStatus,
  /** The login's verdict with the SP's default settings. */
  verdict: Verdict,
  param: DemoScenarioParam.nullable(),
});
export type DemoScenario = z.infer<typeof DemoScenario>;

/** Attribute names: what an IdP could send, never a control character (they end up in exports and ini files). */
// eslint-disable-next-line no-control-regex
const AttributeName = z.string().min(1).max(512).regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/u, 'An attribute name cannot hold a control character or line break.');

export const demoMethods = {
  /** Demo users with their NameID settings and what the next login sends. */
  'demoUsers.profiles': { input: Empty, output: z.array(DemoUserProfile) },
  /** Replaces a demo user's attributes (add and remove by giving the whole set) and/or NameID settings. */
  'demoUsers.save': {
    input: z
      .object({
        id: z.string().min(1).max(100),
        attributes: z.record(AttributeName, z.array(z.string().max(4096)).max(1000)).optional(),
        nameIdFormat: DemoNameIdFormat.optional(),
        nameIdCase: DemoNameIdCase.optional(),
      })
      .strict(),
    output: DemoUserProfile,
  },
  /** Forgets every edit: the demo users are the shipped ones again. */
  'demoUsers.reset': { input: Empty, output: z.array(DemoUserProfile) },
  /** The scenario table: each scenario, the checks it trips and the verdict it gets with default settings. */
  'demoScenarios.list': { input: Empty, output: z.array(DemoScenario) },
} as const satisfies Record<string, MethodSpec>;
