import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait';

/** The receiver's certificate and key (PEM files), e.g. from makeTls in ./broker. */
export interface ServerTls {
  cert: string;
  key: string;
}

/**
 * rsyslog 8 in the foreground, unprivileged, on a loopback port, writing what it
 * parsed as `severity|app|msgid|structured-data|msg` lines. Plain TCP (RFC 6587),
 * or TLS (RFC 5425) with `tls`: rsyslog's gtls driver (Debian's rsyslog-gnutls).
 */
export const startRsyslog = async (dir: string, port: number, tls?: ServerTls & { ca: string }) => {
  const out = join(dir, 'received.log');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(
    conf,
    [
      tls
        ? `global(workDirectory="${dir}" defaultNetstreamDriver="gtls" defaultNetstreamDriverCAFile="${tls.ca}" defaultNetstreamDriverCertFile="${tls.cert}" defaultNetstreamDriverKeyFile="${tls.key}")`
        : `global(workDirectory="${dir}")`,
      // Mode 1 is TLS only; "anon": the sender has no client certificate.
      tls
        ? 'module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")'
        : 'module(load="imtcp")',
      `input(type="imtcp" port="${port}" address="127.0.0.1")`,
      'template(name="fields" type="string" string="%syslogseverity-text%|%app-name%|%msgid%|%structured-data%|%msg%\\n")',
      `action(type="omfile" file="${out}" template="fields")`,
      '',
    ].join('\n'),
  );
  let proc: ChildProcess | null = null;
  const listening = () =>
    new Promise<boolean>((done) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), done(true)));
      s.once('error', () => done(false));
    });
  const start = async () => {
    proc = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslog.pid')], { stdio: 'ignore' });
    proc.once('error', (e) => {
      throw new Error(`rsyslogd could not start (install Debian's rsyslog): ${e.message}`);
    });
    await waitFor('rsyslog listening', async () => ((await listening()) ? true : undefined));
  };
  await start();
  return {
    lines: () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []),
    start,
    async stop() {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((r) => {
        p.once('exit', () => r());
        p.kill('SIGTERM');
      });
    },
  };
};

export interface Hit {
  path: string;
  delivery: string;
  body: {
    deliveryId: string;
    id: string;
    change: string;
    type: string;
    severity: string;
    silent: boolean;
    cardholderId: string | null;
  };
  /** The raw body as received (to look for names or ids anywhere in it). */
  raw: string;
  /** Whether X-Gatehouse-Signature is the HMAC of "<timestamp>.<body>" under the receiver's secret. */
  signatureValid: boolean;
  answered: number | 'hang';
}

const signatureValid = (req: IncomingMessage, raw: string, secret: string | undefined): boolean => {
  if (secret === undefined) return false;
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret)
      .update(`${String(req.headers['x-gatehouse-timestamp'])}.${raw}`)
      .digest('hex')}`,
  );
  const got = Buffer.from(String(req.headers['x-gatehouse-signature']));
  return got.length === expected.length && timingSafeEqual(got, expected);
};

/**
 * A webhook receiver that answers as the test says: fail, hang, redirect, or
 * take it. Over HTTPS with `tls`; checks signatures with `secret`.
 */
export const startReceiver = async (options: { tls?: ServerTls; secret?: string } = {}) => {
  const hits: Hit[] = [];
  const script: (number | 'hang' | 'redirect')[] = [];
  let otherwise: number = 200;
  const hanging: ServerResponse[] = [];
  let redirectedTo = 0;
  const elsewhere = createHttpServer((_req, res) => {
    redirectedTo += 1;
    res.end();
  });
  await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', () => r()));
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const step = script.shift() ?? otherwise;
      hits.push({
        path: req.url ?? '',
        delivery: String(req.headers['x-gatehouse-delivery']),
        body: JSON.parse(raw) as Hit['body'],
        raw,
        signatureValid: signatureValid(req, raw, options.secret),
        answered: step === 'redirect' ? 307 : step,
      });
      if (step === 'hang') hanging.push(res);
      else if (step === 'redirect')
        res
          .writeHead(307, { location: `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/` })
          .end();
      else res.writeHead(step).end();
    });
  };
  const server = options.tls
    ? createHttpsServer({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) }, handle)
    : createHttpServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/hook`,
    hits,
    script,
    answer: (status: number) => (otherwise = status),
    redirected: () => redirectedTo,
    close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      server.close();
      elsewhere.close();
    },
  };
};
