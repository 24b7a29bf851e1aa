import { z } from 'zod';
import { Empty, type MethodSpec } from './common.ts';

// The built-in demo IdP's users, as edited by the person.

export const DemoUser = z.object({
  id: z.string(),
  label: z.string(),
  nameId: z.string(),
  attributes: z.record(z.string(), z.array(z.string())),
});
export type DemoUser = z.infer<typeof DemoUser>;

export const demoUserMethods = {
  'demoUsers.list': { input: Empty, output: z.array(DemoUser) },
  'demoUsers.update': {
    input: z
      .object({ id: z.string().min(1), attributes: z.record(z.string(), z.array(z.string().max(4096))) })
      .strict(),
    output: DemoUser,
  },
} as const satisfies Record<string, MethodSpec>;
