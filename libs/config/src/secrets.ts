import { ConfigError, readSecret } from './loader';
import type { ParsedConfig, SecretRef } from './schema';

const KEY_HEX = /^[0-9a-fA-F]{32}$/;

const where = (ref: SecretRef) => ('file' in ref ? `file ${ref.file}` : `variable ${ref.env}`);

/**
 * An OSDP reader's secure channel key: 32 hex digits (16 bytes) in the file or
 * variable named. The message says what is wrong and how to make one; the key
 * itself is never in it.
 */
export const readReaderKey = (
  ref: SecretRef,
  label: string,
  env: NodeJS.ProcessEnv = process.env,
): Uint8Array => {
  let text: string;
  try {
    text = readSecret(ref, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.problems.map((p) => `${label}: ${p}`));
    throw error;
  }
  const hex = text.replace(/\s/g, '');
  if (!KEY_HEX.test(hex))
    throw new ConfigError([
      `${label}: the key in ${where(ref)} is ${/^[0-9a-fA-F]*$/.test(hex) ? `${hex.length} hex digits` : 'not hex digits'}; an OSDP key is 32 hex digits (16 bytes), made for example with \`openssl rand -hex 16\``,
    ]);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
};

/**
 * Every secret the configuration names, read and checked as the start will
 * read it, so that `config check` and the start refuse the same files, with
 * the same messages, before anything else starts.
 */
export const secretProblems = (config: ParsedConfig, env: NodeJS.ProcessEnv = process.env): string[] => {
  const problems: string[] = [];
  const attempt = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  };
  for (const port of config.serial)
    for (const r of port.readers) {
      const scbk = r.scbk;
      if (scbk) attempt(() => readReaderKey(scbk, `serial ${port.id}, reader ${r.id}, scbk`, env));
    }
  const password = config.mqtt.password;
  if (password) attempt(() => readSecret(password, env));
  for (const w of config.notifications.webhooks) attempt(() => readSecret(w.secret, env));
  const lock = config.correlation.lockWebhook;
  if (lock.enabled && lock.secret) {
    const secret = lock.secret;
    attempt(() => {
      // A short key makes a signature anyone could forge by trying; the key itself is never in the message.
      if (readSecret(secret, env).length < 16)
        throw new ConfigError([
          'correlation.lockWebhook.secret: shorter than 16 characters; make one with `openssl rand -hex 32`',
        ]);
    });
  }
  const bind = config.directory.enabled ? config.directory.bindPassword : undefined;
  if (bind) attempt(() => readSecret(bind, env));
  return problems;
};

export const checkSecrets = (config: ParsedConfig, env: NodeJS.ProcessEnv = process.env): void => {
  const problems = secretProblems(config, env);
  if (problems.length > 0) throw new ConfigError(problems);
};
