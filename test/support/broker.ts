import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './gateway';

export interface PrivateBroker {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  remove(): Promise<void>;
}

const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      done(true);
    });
    s.once('error', () => done(false));
  });

/**
 * A Mosquitto of a test's own (the installed one stays untouched): on a free
 * loopback port, optionally with a password file and persistence, stoppable and
 * restartable on the same port. Mosquitto missing fails loudly: CI installs it.
 */
export const startPrivateBroker = async (
  options: { user?: { name: string; password: string }; persistent?: boolean } = {},
): Promise<PrivateBroker> => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-broker-'));
  // Started as root, Mosquitto drops to its own user: it must read its files and write its database here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const lines = [`listener ${port} 127.0.0.1`];
  if (options.user) {
    const file = join(dir, 'passwords');
    const r = spawnSync('mosquitto_passwd', ['-b', '-c', file, options.user.name, options.user.password], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
    chmodSync(file, 0o644);
    lines.push('allow_anonymous false', `password_file ${file}`);
  } else lines.push('allow_anonymous true');
  if (options.persistent)
    lines.push('persistence true', `persistence_location ${dir}/`, 'autosave_interval 1');
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    proc.once('error', (e) => {
      throw new Error(`mosquitto could not start (install Debian's mosquitto; .ci/run does): ${e.message}`);
    });
    for (let i = 0; i < 100 && !(await listening(port)); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const stop = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
