import { join } from 'node:path';
import { GatehouseBus, systemClock } from '@gatehouse/contracts';
import { Journal, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { journalPrivacy, MasterKey, PrivacyKeyring } from '@gatehouse/privacy';
import type { Db } from '@gatehouse/storage';

export const option = (args: string[], name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export const say = (text: string) => process.stdout.write(`${text}\n`);

/** The journal settings the gateway ships with (config/default.yaml). */
export const JOURNAL_DEFAULTS = {
  batchMaxEntries: 1000,
  batchMaxDelayMs: 2,
  checkpointEveryEntries: 1000,
  checkpointEverySeconds: 60,
};

/**
 * A journal on `db` as the gateway opens it, its signing key in `dir`, personal
 * values sealed under per-person keys: the keyring given (the one the
 * database's records are sealed with: a database has one master key), or one
 * under a master key made for the run; not yet opened.
 */
export const benchJournal = (
  db: Db,
  dir: string,
  bus = new GatehouseBus(),
  keyring: PrivacyKeyring = PrivacyKeyring.open(db, [MasterKey.generate()]),
) =>
  new Journal(
    new SqliteJournalStore(db),
    loadOrCreateSigningKey(join(dir, 'k.pem')),
    systemClock,
    JOURNAL_DEFAULTS,
    bus,
    journalPrivacy(keyring),
  );
