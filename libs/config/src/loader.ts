import { readFileSync, existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configSchema, type ParsedConfig, type SecretRef } from './schema';
import { coerceEnv, leafKeys } from './env';
import { applySecurityProfile } from './security-profile';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The validated configuration with every derived path made absolute. */
export interface GatehouseConfig extends ParsedConfig {
  resolved: {
    dataDir: string;
    sqlitePath: string;
    signingKeyFile: string;
    /** The master key file, absolute; empty when the key comes from the environment alone. */
    masterKeyFile: string;
    consoleDir: string;
    /** Files the configuration was read from, in the order they were layered. */
    sources: string[];
  };
}

export interface LoadOptions {
  /** Site file layered over the defaults (GATEHOUSE_CONFIG, or the caller's choice). */
  siteFile?: string;
  /** The defaults file; `config/default.yaml` beside the code when not given. */
  defaultsFile?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the built console lives when `http.consoleDir` is empty. */
  builtConsoleDir?: string;
}

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

const readYaml = (file: string, problems: string[]): Tree => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    problems.push(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    return {};
  }
  try {
    const doc: unknown = parseYaml(text, { maxAliasCount: 100 });
    if (doc === null || doc === undefined) return {};
    if (!isTree(doc)) {
      problems.push(`${file}: the top level must be a mapping of keys`);
      return {};
    }
    return doc;
  } catch (e) {
    problems.push(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
    return {};
  }
};

/** Later layers win; arrays are replaced, not merged. Records which layer set each leaf. */
const merge = (base: Tree, over: Tree, origin: string, origins: Map<string, string>, prefix = ''): Tree => {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isTree(value) && isTree(out[key])) {
      out[key] = merge(out[key] as Tree, value, origin, origins, path);
    } else {
      out[key] = value;
      origins.set(path, origin);
    }
  }
  return out;
};

const setPath = (tree: Tree, path: string[], value: unknown): Tree => {
  const [head, ...rest] = path;
  if (head === undefined) return tree;
  if (rest.length === 0) return { ...tree, [head]: value };
  const child = isTree(tree[head]) ? (tree[head] as Tree) : {};
  return { ...tree, [head]: setPath(child, rest, value) };
};

const describeIssue = (issue: z.core.$ZodIssue, origins: Map<string, string>): string => {
  const path = issue.path.map(String).join('.') || '(top level)';
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (path === '(top level)' ? k : `${path}.${k}`));
    const where = keys.map((k) => origins.get(k)).find(Boolean);
    return `${keys.join(', ')}: unknown key${where ? ` (from ${where})` : ''}`;
  }
  const origin = origins.get(path);
  if (origin) message += ` (from ${origin})`;
  return `${path}: ${message}`;
};

const defaultDefaultsFile = (): string | undefined => {
  // Walk up from this file to find the repository's config/default.yaml (works from src and dist).
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'config', 'default.yaml');
    if (existsSync(candidate)) return candidate;
    dir = resolve(dir, '..');
  }
  return undefined;
};

export const loadConfig = (options: LoadOptions = {}): GatehouseConfig => {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  const origins = new Map<string, string>();
  const sources: string[] = [];

  let tree: Tree = {};
  const defaultsFile = options.defaultsFile ?? defaultDefaultsFile();
  if (defaultsFile) {
    tree = merge(tree, readYaml(defaultsFile, problems), defaultsFile, origins);
    sources.push(defaultsFile);
  }
  if (options.siteFile) {
    const siteFile = resolve(cwd, options.siteFile);
    tree = merge(tree, readYaml(siteFile, problems), siteFile, origins);
    sources.push(siteFile);
  }
  for (const leaf of leafKeys(configSchema)) {
    const raw = env[leaf.envName];
    if (raw === undefined) continue;
    tree = setPath(tree, leaf.path, coerceEnv(leaf.kind, raw));
    origins.set(leaf.path.join('.'), leaf.envName);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const result = configSchema.safeParse(tree);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => describeIssue(i, origins)));
  // The security profile raises what the site left at its defaults and refuses what it set weaker.
  const profiled = applySecurityProfile(result.data, (path) => {
    const parts = path.split('.');
    let written: unknown = tree;
    for (const part of parts) written = isTree(written) ? written[part] : undefined;
    if (written === undefined) return undefined;
    // The nearest layer that wrote the leaf, or a whole section holding it.
    for (let i = parts.length; i > 0; i--) {
      const origin = origins.get(parts.slice(0, i).join('.'));
      if (origin) return origin === defaultsFile ? undefined : origin;
    }
    return undefined;
  });
  if (profiled.problems.length > 0) throw new ConfigError(profiled.problems);
  const parsed = profiled.config;

  const tls = parsed.http.tls;
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) {
    throw new ConfigError(['http.tls: certFile and keyFile go together; set both or neither']);
  }

  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const dataDir = abs(parsed.dataDir);
  return {
    ...parsed,
    resolved: {
      dataDir,
      sqlitePath: parsed.storage.sqlitePath ? abs(parsed.storage.sqlitePath) : join(dataDir, 'gatehouse.db'),
      signingKeyFile: parsed.journal.signingKeyFile
        ? abs(parsed.journal.signingKeyFile)
        : join(dataDir, 'keys', 'journal-signing.pem'),
      masterKeyFile: parsed.privacy.masterKeyFile ? abs(parsed.privacy.masterKeyFile) : '',
      consoleDir: parsed.http.consoleDir ? abs(parsed.http.consoleDir) : (options.builtConsoleDir ?? ''),
      sources,
    },
  };
};

/** Reads a secret named by a reference; the value is never logged by callers. */
export const readSecret = (ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string => {
  if ('file' in ref) {
    try {
      return readFileSync(ref.file, 'utf8').trim();
    } catch (e) {
      throw new ConfigError([
        `secret file ${ref.file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      ]);
    }
  }
  const value = env[ref.env];
  if (value === undefined || value === '') throw new ConfigError([`secret variable ${ref.env} is not set`]);
  return value;
};
