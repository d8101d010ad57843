import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Actor } from '@gatehouse/contracts';
import type { Db } from '@gatehouse/storage';
import type { Journal } from '@gatehouse/journal';
import { openTestJournal } from '@gatehouse/testing';
import {
  type ApiTokens,
  AuthStore,
  createAuth,
  type Operators,
  SecretBox,
  type SignIn,
  type AuthSettings,
  type RequestContext,
} from '@gatehouse/auth';

// argon2id (passwords, ten recovery codes per enrolment) on a shared CI machine: a bound, not a timing.
jest.setTimeout(60_000);

export const ctx: RequestContext = { address: '127.0.0.1', userAgent: 'jest', requestId: 'r1' };
export const cli: Actor = { kind: 'cli', name: 'test' };
export const PASSWORD = 'violet anchor meadow 42';

export const SETTINGS: AuthSettings = {
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
  lockoutThreshold: 3,
  lockoutWindowMinutes: 15,
  lockoutMinutes: 15,
  addressThreshold: 6,
  passwordMinLength: 12,
  totpRequiredRoles: ['admin'],
  bootstrapTokenHours: 24,
  tokenMaxDays: 365,
  siteName: 'Test site',
};

export interface AuthBench {
  db: Db;
  clock: ManualClock;
  journal: Journal;
  operators: Operators;
  signIn: SignIn;
  tokens: ApiTokens;
  /** Journal entry types, oldest first. */
  types(): string[];
  payloadsOf(type: string): Record<string, unknown>[];
  close(): Promise<void>;
}

/** A real SQLite file with the real journal and auth store, as the gateway opens them. */
export const openAuth = async (settings: Partial<AuthSettings> = {}): Promise<AuthBench> => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-auth-'));
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const { db, journal } = await openTestJournal(dir, clock, { batchMaxEntries: 100 });
  const { operators, signIn, tokens } = createAuth(
    new AuthStore(db),
    journal,
    clock,
    { ...SETTINGS, ...settings },
    SecretBox.ephemeral(),
  );
  return {
    db,
    clock,
    journal,
    operators,
    signIn,
    tokens,
    types: () => db.prepare('SELECT type FROM journal_entries ORDER BY seq').pluck().all() as string[],
    payloadsOf: (type) =>
      (
        db
          .prepare('SELECT entry_json FROM journal_entries WHERE type = ? ORDER BY seq')
          .pluck()
          .all(type) as string[]
      ).map((j) => (JSON.parse(j) as { payload: Record<string, unknown> }).payload),
    close: async () => {
      await journal.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const createOperator = (b: AuthBench, username: string, roles: string[]) =>
  b.operators.createOperator({ username, displayName: `${username} tester`, password: PASSWORD, roles }, cli);
