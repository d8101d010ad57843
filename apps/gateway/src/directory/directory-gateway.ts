import { readFileSync } from 'node:fs';
import { type AccessService, CardholderPatch } from '@gatehouse/access';
import { type GatehouseConfig, readSecret } from '@gatehouse/config';
import {
  type Actor,
  type Clock,
  DomainError,
  type GatehouseBus,
  type JournalEntry,
  type JournalEntryInput,
  type Log,
} from '@gatehouse/contracts';
import {
  DirectoryFault,
  type DirectorySecrets,
  DirectorySync,
  type PersonUpdate,
  readDirectory,
  SqliteLinks,
  type SyncRun,
} from '@gatehouse/directory';
import { normaliseAccount } from '@gatehouse/logins';
import type { Db } from '@gatehouse/storage';

export interface DirectoryDeps {
  access: AccessService;
  journal: { append(input: JournalEntryInput, effect?: () => void): Promise<JournalEntry> };
  db: Db;
  bus: GatehouseBus;
  clock: Clock;
  log: Log;
  env?: NodeJS.ProcessEnv;
}

/**
 * The password and CA, read at each sync so a rotated password or CA applies
 * without a restart. A file that cannot be read fails the run (alarm
 * directory-misconfigured, nothing applied); its message names the file, never
 * the secret.
 */
const secretsOf = (config: GatehouseConfig['directory'], env: NodeJS.ProcessEnv): DirectorySecrets => ({
  password: config.bindPassword ? readSecret(config.bindPassword, env) : null,
  ca: config.caFile ? readFileSync(config.caFile, 'utf8') : null,
});

/**
 * Directory sync wired to the gateway: cardholders through access's records
 * (each change journaled there, as an operator's would be), leavers' cards
 * suspended, the links in SQLite, alarms on the bus. Null when the site has
 * no directory (`directory.enabled: false`).
 */
export const createDirectorySync = (config: GatehouseConfig, deps: DirectoryDeps): DirectorySync | null => {
  const d = config.directory;
  if (!d.enabled) return null;
  const records = deps.access.records;
  const site = deps.access.lookup;
  const env = deps.env ?? process.env;
  return new DirectorySync(
    { intervalSeconds: d.intervalSeconds, groupLevels: d.groupLevels, safety: d.safety, url: d.url },
    {
      read: async () => {
        let secrets: DirectorySecrets;
        try {
          secrets = secretsOf(d, env);
        } catch (error) {
          const what = error instanceof Error ? error.message : String(error);
          throw new DirectoryFault('secrets', `the bind password or CA could not be read: ${what}`);
        }
        return readDirectory(d, secrets);
      },
      cardholders: () => site.cardholders.values(),
      accountKey: (a) => normaliseAccount(a)?.key ?? null,
      levelExists: (id) => site.levelRecords.has(id),
      updateCardholder: async (id, patch, actor) => {
        await records.updateCardholder(id, checkedPatch(patch), actor);
      },
      markLeaver: (id, actor, record) => deps.access.records.markLeaver(id, actor, record),
      journal: deps.journal,
      links: new SqliteLinks(deps.db),
      raise: (alarm) => deps.bus.emit('alarm.raised', alarm),
      clock: deps.clock,
      log: deps.log,
    },
  );
};

/**
 * The directory's values pass the checks an operator's do (length, no control
 * or bidirectional-override characters): the directory is another party's
 * data. A refusal names the fields, never the values (they are personal).
 */
export const checkedPatch = (patch: PersonUpdate['patch']) => {
  const r = CardholderPatch.safeParse(patch);
  if (r.success) return r.data;
  const fields = [...new Set(r.error.issues.map((i) => String(i.path[0] ?? '?')))];
  throw new DomainError(
    'invalid',
    'directory.value-refused',
    `the directory's ${fields.join(', ')} for this person cannot be stored (${r.error.issues.map((i) => i.message).join('; ')})`,
    { fields },
  );
};

/** An operator's request for a sync now: journaled as theirs, then run (or joined, when one is running). */
export const syncOnRequest = async (
  sync: DirectorySync,
  journal: DirectoryDeps['journal'],
  actor: Actor,
): Promise<SyncRun> => {
  await journal.append({ type: 'directory.sync-requested', source: 'http', actor, payload: {} });
  return sync.sync('operator');
};
