// The demo IdP's users: the shipped ones (resources/demo-users.json) plus what the person changed — attributes added,
// edited or removed, and the NameID format and case the IdP sends for each user.
//
// Where edits live: the store's `demoUsers` map, which has held each user's edited attributes (by user id) since
// store version 1. The NameID settings sit in the same map under `nameid:<user id>` (`{format: [..], case: [..]}`),
// so older stores read unchanged and no store migration is needed; user ids come from resources/ and hold no colon.
// Everything that reads that map is in this file; it is written only through the store's `demoUsers` methods.
import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DEMO_NAMEID_FORMATS, DemoNameIdCase, DemoNameIdFormat, type DemoUserProfile } from '../../contract/demo.ts';
import { DemoUser } from '../../contract/demo-users.ts';
import { LabError } from '../errors.ts';

/** Limits for what a person (or a hostile form) can make the demo IdP assert and store. */
export const DEMO_USER_LIMITS = { attributes: 100, valuesPerAttribute: 1000, nameLength: 512, valueLength: 4096 } as const;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** The part of the store this file uses. */
export interface DemoUserStore {
  readonly data: { readonly demoUsers: Readonly<Record<string, Record<string, string[]>>> };
  readonly demoUsers: { set(id: string, value: Record<string, string[]> | null): void; reset(): void };
}

export interface DemoUserChanges {
  attributes?: Record<string, string[]>;
  nameIdFormat?: DemoNameIdFormat;
  nameIdCase?: DemoNameIdCase;
}

export async function loadDemoUsers(resourcesDir: string): Promise<DemoUser[]> {
  const file = join(resourcesDir, 'demo-users.json');
  const parsed = z.array(DemoUser).safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a list of demo users: ${parsed.error.message}`);
  return parsed.data;
}

const settingsKey = (id: string): string => `nameid:${id}`;

export class DemoUsers {
  private readonly store: DemoUserStore;
  private readonly defaults: DemoUser[];
  /** Keys the persistent NameIDs: stable for this data folder, not guessable from the user id. */
  private readonly persistentKey: string;

  constructor(store: DemoUserStore, defaults: DemoUser[], persistentKey: string) {
    this.store = store;
    this.defaults = defaults;
    this.persistentKey = persistentKey;
  }

  ids(): string[] {
    return this.defaults.map((u) => u.id);
  }

  list(spEntityId: string): DemoUserProfile[] {
    return this.defaults.map((u) => this.profile(u, spEntityId));
  }

  get(id: string, spEntityId: string): DemoUserProfile {
    const user = this.defaults.find((u) => u.id === id);
    if (!user) throw new LabError('not-found', `There is no demo user "${id.slice(0, 100)}". Demo users: ${this.ids().join(', ')}.`);
    return this.profile(user, spEntityId);
  }

  /** Applies the changes (attributes: the whole new set; empty values dropped, an attribute with none removed).
   * The caller commits the store. */
  save(id: string, changes: DemoUserChanges, spEntityId: string): DemoUserProfile {
    this.get(id, spEntityId);
    const shipped = this.defaults.find((u) => u.id === id)!;
    // What equals the shipped user is not stored: `edited` then means what it says.
    if (changes.attributes) {
      const clean = cleanAttributes(changes.attributes);
      this.store.demoUsers.set(id, JSON.stringify(clean) === JSON.stringify(shipped.attributes) ? null : clean);
    }
    if (changes.nameIdFormat !== undefined || changes.nameIdCase !== undefined) {
      const current = this.settings(id);
      const format = changes.nameIdFormat ?? current.format;
      const nameIdCase = changes.nameIdCase ?? current.case;
      this.store.demoUsers.set(settingsKey(id), format === 'emailAddress' && nameIdCase === 'as-is' ? null : { format: [format], case: [nameIdCase] });
    }
    return this.get(id, spEntityId);
  }

  /** Back to the shipped users. The caller commits the store. */
  reset(spEntityId: string): DemoUserProfile[] {
    this.store.demoUsers.reset();
    return this.list(spEntityId);
  }

  /** The NameID (value and format URI) the next login as this user sends to that SP. */
  nameIdFor(user: DemoUserProfile, spEntityId: string): { value: string; format: string } {
    return { value: this.nameIdValue(user, spEntityId, true), format: DEMO_NAMEID_FORMATS[user.nameIdFormat] };
  }

  private profile(user: DemoUser, spEntityId: string): DemoUserProfile {
    const saved = this.store.data.demoUsers[user.id];
    const { format, case: nameIdCase } = this.settings(user.id);
    const profile: DemoUserProfile = {
      ...user,
      attributes: saved ?? user.attributes,
      nameIdFormat: format,
      nameIdCase,
      effectiveNameId: '',
      edited: saved !== undefined || this.store.data.demoUsers[settingsKey(user.id)] !== undefined,
    };
    profile.effectiveNameId = this.nameIdValue(profile, spEntityId, false);
    return profile;
  }

  private settings(id: string): { format: DemoNameIdFormat; case: DemoNameIdCase } {
    const raw = this.store.data.demoUsers[settingsKey(id)];
    const format = DemoNameIdFormat.safeParse(raw?.format?.[0]);
    const nameIdCase = DemoNameIdCase.safeParse(raw?.case?.[0]);
    return { format: format.success ? format.data : 'emailAddress', case: nameIdCase.success ? nameIdCase.data : 'as-is' };
  }

  private nameIdValue(user: DemoUserProfile, spEntityId: string, forLogin: boolean): string {
    let value: string;
    if (user.nameIdFormat === 'transient') {
      // A new opaque ID each login: an SP that keys accounts on it creates a new account every time.
      return forLogin ? `_${randomBytes(16).toString('hex')}` : '(a new random ID each login)';
    } else if (user.nameIdFormat === 'persistent') {
      // Opaque, stable per user and SP (pairwise), like ADFS/Entra persistent IDs.
      value = createHmac('sha256', this.persistentKey).update(`${spEntityId}\u0000${user.id}`).digest('hex').slice(0, 40);
    } else {
      value = user.nameId;
    }
    return user.nameIdCase === 'upper' ? value.toUpperCase() : user.nameIdCase === 'lower' ? value.toLowerCase() : value;
  }
}

function cleanAttributes(attributes: Record<string, string[]>): Record<string, string[]> {
  // No prototype: attribute names are anyone's choice, `__proto__` and `constructor` included.
  const clean: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  let count = 0;
  for (const [rawName, values] of Object.entries(attributes)) {
    const name = rawName.trim();
    const kept = values.map((v) => v.trim()).filter(Boolean);
    if (!name || kept.length === 0) continue;
    if (name.length > DEMO_USER_LIMITS.nameLength || CONTROL.test(name)) {
      throw new LabError('invalid-input', `The attribute name "${name.slice(0, 80).replace(CONTROL, '?')}" is not allowed: at most ${DEMO_USER_LIMITS.nameLength} characters and no control characters or line breaks.`);
    }
    if (kept.length > DEMO_USER_LIMITS.valuesPerAttribute || kept.some((v) => v.length > DEMO_USER_LIMITS.valueLength)) {
      throw new LabError('invalid-input', `Attribute ${name}: at most ${DEMO_USER_LIMITS.valuesPerAttribute} values of ${DEMO_USER_LIMITS.valueLength} characters each (use the "N groups" scenario for thousands of groups).`);
    }
    if (++count > DEMO_USER_LIMITS.attributes) throw new LabError('invalid-input', `A demo user can have at most ${DEMO_USER_LIMITS.attributes} attributes.`);
    clean[name] = [...(Object.hasOwn(clean, name) ? clean[name]! : []), ...kept];
  }
  return clean;
}
