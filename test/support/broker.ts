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
export interface TlsFiles {
  ca: string;
  clientCert: string;
  clientKey: string;
}

const openssl = (args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
};

/** A test CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
export const makeTls = (dir: string): TlsFiles & { serverCert: string; serverKey: string } => {
  const f = (n: string) => join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-days',
    '1',
    '-subj',
    '/CN=Gatehouse test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  ]);
  for (const [name, subject, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', '/CN=gatehouse', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl(['req', ...ec, '-subj', subject, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`)]);
    writeFileSync(f(`${name}.ext`), `${ext}\n`);
    openssl([
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      f(`${name}.ext`),
      '-out',
      f(`${name}.pem`),
    ]);
  }
  for (const n of ['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key']) chmodSync(f(n), 0o644);
  return {
    ca: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
  };
};

export const startPrivateBroker = async (
  options: {
    user?: { name: string; password: string };
    persistent?: boolean;
    tls?: boolean;
    /** More mosquitto.conf lines (queue limits). */
    extra?: string[];
  } = {},
): Promise<PrivateBroker & { tls?: TlsFiles }> => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-broker-'));
  // Started as root, Mosquitto drops to its own user: it must read its files and write its database here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const lines = [`listener ${port} 127.0.0.1`];
  const tls = options.tls ? makeTls(dir) : undefined;
  if (tls)
    lines.push(
      `cafile ${tls.ca}`,
      `certfile ${tls.serverCert}`,
      `keyfile ${tls.serverKey}`,
      'require_certificate true',
      'tls_version tlsv1.2',
    );
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
  lines.push(...(options.extra ?? []));
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
    url: `${tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    ...(tls ? { tls: { ca: tls.ca, clientCert: tls.clientCert, clientKey: tls.clientKey } } : {}),
    port,
    start,
    stop,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
