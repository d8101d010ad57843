import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { YOUNG_GENERATION_FLAG } from '../../apps/gateway/src/young-generation';

export const ROOT = resolve(__dirname, '..', '..');
export const GATEWAY_MAIN = join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js');
export const CLI_MAIN = join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

/**
 * The master key every gateway and CLI of one test file starts with (as an
 * operator's GATEHOUSE_MASTER_KEY); a test that restarts on the same data
 * folder therefore opens its keys again.
 */
export const E2E_MASTER_KEY = randomBytes(32).toString('base64');

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });

export interface RunningGateway {
  url: string;
  port: number;
  dataDir: string;
  bootstrapToken: string | null;
  process: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no clean-up runs, as in a power cut of the process. */
  kill9(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
  timeoutMs?: number;
  /** Node's own flags; by default the ones the README starts the gateway with. */
  nodeArgs?: string[];
}

/** Starts the built gateway as its own process and waits for its "ready" banner. */
export const startGateway = async (options: StartOptions = {}): Promise<RunningGateway> => {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gh-e2e-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? [YOUNG_GENERATION_FLAG]), GATEWAY_MAIN, ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_HTTP_PORT: String(port),
        GATEHOUSE_LOG_LEVEL: 'warn',
        GATEHOUSE_STORAGE_SYNCHRONOUS: 'normal',
        GATEHOUSE_MASTER_KEY: E2E_MASTER_KEY,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!/Console: (\S+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // The token line follows the banner in the same write.
  await new Promise((r) => setTimeout(r, 50));
  const url = /Console: (\S+)/.exec(out)![1]!.replace(/\/$/, '');
  return {
    url,
    port,
    dataDir,
    bootstrapToken: /BOOTSTRAP TOKEN: (\S+)/.exec(out)?.[1] ?? null,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
};

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

export const runCli = (args: string[], env: Record<string, string>, input?: string) => {
  const result = spawnSync(process.execPath, [CLI_MAIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', GATEHOUSE_MASTER_KEY: E2E_MASTER_KEY, ...env },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** Starts the gateway with a site file of these lines (written into `dir`), as an operator would configure it. */
export const startGatewayWithSite = (dir: string, lines: string[], options: StartOptions = {}) => {
  const site = join(dir, 'site.yaml');
  writeFileSync(site, `${lines.join('\n')}\n`);
  return startGateway({ ...options, env: { ...options.env, GATEHOUSE_CONFIG: site } });
};
