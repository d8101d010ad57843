import { createPublicKey } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import {
  checkSecrets,
  ConfigError,
  configJsonSchema,
  defaultsYaml,
  loadConfig,
  type GatehouseConfig,
} from '@gatehouse/config';
import {
  compactAfterRetirement,
  describeProblem,
  epochRetired,
  exportEpoch,
  keyIdOf,
  loadOrCreateSigningKey,
  verifyDatabase,
} from '@gatehouse/journal';
import { openDatabase } from '@gatehouse/storage';
import { isDomainError } from '@gatehouse/contracts';
import { openCliRecords } from './composition';

const USAGE = `gatehouse <command> [options]

  journal verify [--json] [--public-key FILE]
      Recompute the Merkle tree and every signed checkpoint of the journal;
      exit 0 when it verifies, 1 naming the first entry or checkpoint that does not.
  journal public-key
      Print the Ed25519 public key that verifies checkpoints.
  journal retire-epoch --epoch N --reason TEXT --export FILE
      With the gateway stopped: write epoch N (entries, checkpoints, public key)
      to FILE (which must not exist), then remove its entry bodies, keeping their
      leaf hashes so it still verifies, journal that, and compact the database.
      For an epoch written before personal values were sealed (see README).
  admin create --username NAME --display-name "Full Name" [--role admin ...]
               (--password-file FILE | --password-stdin)
      Create an operator without the console (headless installs). Default role: admin.
  config generate [--out DIR]
      Write default.yaml and schema.json from the schema (default: config/).
  config check
      Load and validate the configuration, print the effective values.

Options for every command: --config FILE (else GATEHOUSE_CONFIG).`;

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`gatehouse: ${text}\n`);

const load = (file?: string): GatehouseConfig =>
  loadConfig({ siteFile: file ?? process.env.GATEHOUSE_CONFIG });

const verify = async (config: GatehouseConfig, json: boolean, publicKeyFile?: string): Promise<number> => {
  const db = openDatabase({ path: config.resolved.sqlitePath, readonly: true });
  try {
    const pem = publicKeyFile
      ? readFileSync(publicKeyFile, 'utf8')
      : loadOrCreateSigningKey(config.resolved.signingKeyFile).publicKeyPem;
    const report = await verifyDatabase(db, new Map([[keyIdOf(createPublicKey(pem)), pem]]));
    if (json) out(JSON.stringify(report));
    else if (report.ok) {
      out(
        `journal OK: ${report.entries} entries, ${report.checkpoints} signed checkpoints, root ${report.rootHash}`,
      );
      if (report.epochs.length > 1)
        for (const e of report.epochs)
          out(
            `  epoch ${e.epoch} from entry ${e.firstSeq}: ${e.entries} entries, ${e.checkpoints} checkpoints, root ${e.rootHash}` +
              (e.retired ? ` (retired: ${e.retiredEntries} entries kept as leaf hashes only)` : ''),
          );
      if (report.uncheckpointedEntries > 0)
        out(`note: the last ${report.uncheckpointedEntries} entries are not yet under a signed checkpoint`);
    } else {
      out(`journal FAILED verification: ${describeProblem(report.firstProblem!)}`);
      for (const p of report.problems.slice(1, 10)) out(`  also: ${describeProblem(p)}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    db.close();
  }
};

const readPassword = (values: { 'password-file'?: string; 'password-stdin'?: boolean }): string => {
  if (values['password-file']) return readFileSync(values['password-file'], 'utf8').replace(/\r?\n$/, '');
  if (values['password-stdin']) return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  throw new Error(
    'give the password with --password-file FILE or --password-stdin (never on the command line)',
  );
};

/** Writes lines to a new owner-only file, flushed to disk before it returns. */
const writeNewFile = (path: string, fill: (write: (line: string) => void) => void): void => {
  const fd = openSync(path, 'wx', 0o600);
  try {
    fill((line) => writeSync(fd, `${line}\n`));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * Retires an epoch of the journal (issue 12, item 5): the export first, then
 * the removal, then the compaction, each only if the one before succeeded.
 */
const retireEpoch = (
  config: GatehouseConfig,
  values: { epoch?: string; reason?: string; export?: string },
): number => {
  const epoch = Number(values.epoch);
  if (!Number.isInteger(epoch) || epoch < 1)
    throw new Error('--epoch N is required: the epoch to retire (journal verify lists them)');
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const records = openCliRecords(config, (m) => logger.warn(m));
  const compact = (): number => {
    if (!compactAfterRetirement(records.db).walEmptied) {
      err(
        'the database is open in another process (is the gateway running?): its WAL may still hold the removed entries; stop it and run this command again (it then only compacts)',
      );
      return 1;
    }
    out('database compacted: the removed entries are no longer in the file or its WAL');
    return 0;
  };
  try {
    // Retired already (a compaction that found the database busy): only the compaction is left.
    if (epochRetired(records.db, epoch)) {
      out(`epoch ${epoch} is already retired; compacting the database`);
      return compact();
    }
    if (!values.reason?.trim())
      throw new Error('--reason TEXT is required: it is journaled with the retirement');
    if (!values.export)
      throw new Error('--export FILE is required: the epoch is written there before it is removed');
    // A database upgraded but not yet started: its new epoch begins here.
    records.journal.beginEpochIfDue('cli');
    const exportFile = resolve(values.export);
    let exported = { entries: 0, firstSeq: 0, lastSeq: 0 };
    writeNewFile(exportFile, (write) => {
      exported = exportEpoch(records.db, epoch, records.journal.publicKeyPem, write);
    });
    out(`wrote epoch ${epoch} (entries ${exported.firstSeq}-${exported.lastSeq}) to ${exportFile}`);
    const { retired, entry } = records.journal.retireEpoch(epoch, {
      source: 'cli',
      actor: { kind: 'cli', name: process.env.SUDO_USER ?? process.env.USER ?? 'cli' },
      reason: values.reason,
    });
    out(
      `retired epoch ${epoch}: ${retired} entry bodies removed, their leaf hashes kept (journal entry ${entry.seq})`,
    );
    records.journal.flush();
    return compact();
  } finally {
    records.close();
  }
};

const run = async (argv: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      json: { type: 'boolean' },
      'public-key': { type: 'string' },
      username: { type: 'string' },
      'display-name': { type: 'string' },
      role: { type: 'string', multiple: true },
      'password-file': { type: 'string' },
      'password-stdin': { type: 'boolean' },
      out: { type: 'string' },
      epoch: { type: 'string' },
      reason: { type: 'string' },
      export: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, command] = positionals;
  if (values.help || !group) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  if (group === 'config' && command === 'generate') {
    const dir = resolve(values.out ?? 'config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'default.yaml'), defaultsYaml());
    writeFileSync(join(dir, 'schema.json'), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    out(`wrote ${join(dir, 'default.yaml')} and ${join(dir, 'schema.json')}`);
    return 0;
  }
  const config = load(values.config);
  if (group === 'config' && command === 'check') {
    checkSecrets(config); // the secrets the start will read, read now (exit 2 if one is missing or malformed)
    out(JSON.stringify(config, null, 2));
    return 0;
  }
  if (group === 'journal' && command === 'verify')
    return verify(config, values.json === true, values['public-key']);
  if (group === 'journal' && command === 'public-key') {
    out(loadOrCreateSigningKey(config.resolved.signingKeyFile).publicKeyPem.trimEnd());
    return 0;
  }
  if (group === 'journal' && command === 'retire-epoch') return retireEpoch(config, values);
  if (group === 'admin' && command === 'create') {
    if (!values.username || !values['display-name'])
      throw new Error('--username and --display-name are required');
    const password = readPassword(values);
    const logger = pino({ level: 'warn' }, pino.destination(2));
    const records = openCliRecords(config, (m) => logger.warn(m));
    try {
      const operator = await records.auth.operators.createOperator(
        {
          username: values.username,
          displayName: values['display-name'],
          password,
          roles: values.role ?? ['admin'],
        },
        { kind: 'cli', name: process.env.SUDO_USER ?? process.env.USER ?? 'cli' },
      );
      out(
        `created operator ${operator.username} (${operator.roles.join(', ')})${operator.totpRequired ? '; a second factor is set up at first sign-in' : ''}`,
      );
      return 0;
    } finally {
      records.close();
    }
  }
  err(`unknown command: ${positionals.join(' ')}`);
  out(USAGE);
  return 2;
};

run(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof ConfigError || isDomainError(error)) err(error.message);
    else err(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof ConfigError ? 2 : 1);
  });
