import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

/** The shell client, as installed on a workstation: clients/pam/gatehouse-gating of the repository at `root`. */
export const gatingClientAt = (root: string) => join(root, 'clients', 'pam', 'gatehouse-gating');

/**
 * The compiled client (clients/pam/gatehouse-gating.c) built into `dir` by the
 * repository's Makefile, as an installer builds it; its path.
 */
export const buildGatingClient = (root: string, dir: string): string => {
  const out = join(dir, 'gatehouse-gating');
  const r = spawnSync('make', ['-s', '-C', join(root, 'clients', 'pam'), `OUT=${out}`], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`building the compiled gating client failed:\n${r.stdout}${r.stderr}`);
  return out;
};

const openssl = (args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
};

/** A test CA and a gateway certificate for these IP addresses (the client pins the CA). */
export const makeGatewayTls = (dir: string, ips: string[]) => {
  const f = (n: string) => join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-days',
    '1',
    '-subj',
    '/CN=Gating test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  ]);
  openssl(['req', ...ec, '-subj', `/CN=${ips[0]}`, '-keyout', f('gw.key'), '-out', f('gw.csr')]);
  writeFileSync(f('gw.ext'), `subjectAltName=${ips.map((ip) => `IP:${ip}`).join(',')}\n`);
  openssl([
    'x509',
    '-req',
    '-in',
    f('gw.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    f('gw.ext'),
    '-out',
    f('gw.pem'),
  ]);
  chmodSync(f('ca.pem'), 0o644);
  return { ca: f('ca.pem'), cert: f('gw.pem'), key: f('gw.key'), caKey: f('ca.key') };
};

/**
 * `fetch` for test/support's Client against a gateway whose CA is the test's:
 * Node's fetch takes no CA, so the few calls a test makes go through https
 * with the CA given (what the Client reads: status, headers, text).
 */
export const fetchWithCa =
  (ca: Buffer) =>
  (url: string | URL, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        { method: init.method ?? 'GET', headers: init.headers, ca, timeout: 15_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers))
              for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, one);
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers, text: async () => text } as unknown as Response);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(init.body);
    });

export interface Workstation {
  name: string;
  /** The PAM service name (a file in /etc/pam.d) that runs the client for this workstation. */
  service: string;
  config: string;
  tokenFile: string;
  stateDir: string;
  remove(): void;
}

/**
 * One workstation's client set-up: token file (root, 0600), client config,
 * state folder, and a uniquely named PAM service (pam_exec with the client,
 * then pam_permit) in /etc/pam.d, since pamtester reads services from there
 * only. `remove` deletes the service file.
 */
export const setUpWorkstation = (
  dir: string,
  o: {
    name: string;
    /** Path of the client script (gatingClientAt). */
    client: string;
    /** The name the client gives for itself (default: name). */
    host?: string;
    url: string;
    ca: string;
    token: string;
    extra?: string[];
    stepUp?: 'deny' | 'pass';
  },
): Workstation => {
  const f = (n: string) => join(dir, `${o.name}.${n}`);
  const tokenFile = f('token');
  writeFileSync(tokenFile, `${o.token}\n`, { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
  const stateDir = f('state');
  rmSync(stateDir, { recursive: true, force: true });
  spawnSync('mkdir', ['-m', '700', stateDir]);
  const config = f('conf');
  writeFileSync(
    config,
    [
      `url=${o.url}`,
      `ca=${o.ca}`,
      `token_file=${tokenFile}`,
      'timeout=2',
      'on_unreachable=closed',
      `state_dir=${stateDir}`,
      'break_glass=root',
      `host=${o.host ?? o.name}`,
      ...(o.extra ?? []),
    ].join('\n') + '\n',
    { mode: 0o644 },
  );
  const service = `gatehouse-gating-test-${randomBytes(4).toString('hex')}`;
  const servicePath = join('/etc/pam.d', service);
  writeFileSync(
    servicePath,
    [
      '# Written by the gating end-to-end test, removed by it.',
      `auth requisite pam_exec.so quiet stdout ${o.client} --config ${config}${o.stepUp ? ` --step-up ${o.stepUp}` : ''}`,
      'auth required pam_permit.so',
      'account required pam_permit.so',
      '',
    ].join('\n'),
  );
  return {
    name: o.name,
    service,
    config,
    tokenFile,
    stateDir,
    remove: () => rmSync(servicePath, { force: true }),
  };
};

export interface PamResult {
  ok: boolean;
  code: number | null;
  output: string;
  ms: number;
}

/** `pamtester SERVICE USER authenticate` with the real PAM stack, optionally inside a namespace and with PAM_RHOST. */
export const pamLogin = (prefix: string[], service: string, user: string, rhost?: string): PamResult => {
  const argv = [
    ...prefix,
    'pamtester',
    ...(rhost ? [`-I`, `rhost=${rhost}`] : []),
    service,
    user,
    'authenticate',
  ];
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 15_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ok: r.status === 0, code: r.status, output: `${r.stdout}${r.stderr}`, ms };
};
