import { createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { describeProblem, keyIdOf, loadOrCreateSigningKey, verifyDatabase } from '@gatehouse/journal';
import { openDatabase } from '@gatehouse/storage';
import { isDomainError } from '@gatehouse/contracts';
import { openCliRecords } from './composition';

const USAGE = `gatehouse <command> [options]

  journal verify [--json] [--public-key FILE]
      Recompute the Merkle tree and every signed checkpoint of the journal;
      exit 0 when it verifies, 1 naming the first entry or checkpoint that does not.
  journal public-key
      Print the Ed25519 public key that verifies checkpoints.
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
