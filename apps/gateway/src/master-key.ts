import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GatehouseConfig } from '@gatehouse/config';
import { loadMasterKey, MASTER_KEY_ENV, type MasterKey } from '@gatehouse/privacy';

export const demoMasterKeyFile = (config: GatehouseConfig): string =>
  join(config.resolved.dataDir, 'keys', 'demo-master.key');

/**
 * The demo's master key: made at its first start so `npm start` runs on a
 * fresh machine, and said loudly at every start, because a key beside the
 * database it protects protects nothing.
 */
const demoKeyFile = (config: GatehouseConfig, warn: (message: string) => void): string => {
  const file = demoMasterKeyFile(config);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  warn(
    `DEMO MASTER KEY in use (${file}): it lies beside the data it protects, so a copy of the data folder ` +
      `reveals every personal field. A real site sets ${MASTER_KEY_ENV} or privacy.masterKeyFile, off the data disk.`,
  );
  return file;
};

/**
 * The site's master key, from the variable or privacy.masterKeyFile, read
 * before anything opens the database: a missing or malformed key touches
 * nothing. The variable is removed from the environment once read, so the
 * processes the gateway forks and anything that dumps the environment never
 * see it.
 */
export const loadSiteMasterKey = (
  config: GatehouseConfig,
  warn: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): MasterKey => {
  try {
    const given = config.resolved.masterKeyFile !== '' || (env[MASTER_KEY_ENV] ?? '') !== '';
    const file =
      config.resolved.masterKeyFile !== ''
        ? config.resolved.masterKeyFile
        : !given && config.demo.makeMasterKey
          ? demoKeyFile(config, warn)
          : undefined;
    return loadMasterKey({ file, env, warn });
  } finally {
    delete env[MASTER_KEY_ENV];
  }
};
