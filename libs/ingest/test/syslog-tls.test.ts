import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTls } from '../../../test/support/broker';
import { waitFor } from '../../../test/support/wait';
import { type IngestListener, type ReceivedSyslog, startStreamSyslog } from '../src';
import { clock, closedWithin, LOOPBACK, OPEN_RATE, rawClient } from './support';

/**
 * rsyslog as the real TLS sender: unprivileged, in the foreground, with its
 * own configuration and work directory; it tails a file (imfile) and forwards
 * every line with omfwd over TLS (the gtls driver), octet-counted, verifying
 * our certificate by name against the test CA.
 */
describe('syslog over TLS, sent by rsyslog', () => {
  let dir: string;
  let listener: IngestListener;
  let rsyslog: ChildProcess | undefined;
  const received: ReceivedSyslog[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-rsyslog-'));
    const tls = makeTls(dir);
    listener = await startStreamSyslog({
      name: 'syslog-tls',
      transport: 'tls',
      host: '127.0.0.1',
      port: 0,
      allow: LOOPBACK,
      rate: OPEN_RATE,
      zone: 'UTC',
      clock,
      tls: { cert: readFileSync(tls.serverCert), key: readFileSync(tls.serverKey) },
      onMessage: (message) => received.push(message),
    });
    mkdirSync(join(dir, 'work'));
    writeFileSync(join(dir, 'auth.log'), '');
    const conf = join(dir, 'rsyslog.conf');
    writeFileSync(
      conf,
      [
        `global(workDirectory="${dir}/work" defaultNetstreamDriverCAFile="${tls.ca}")`,
        'module(load="imfile")',
        `input(type="imfile" File="${dir}/auth.log" Tag="sshd[40211]:" Facility="authpriv" Severity="info")`,
        `action(type="omfwd" target="127.0.0.1" port="${listener.address.port}" protocol="tcp" TCP_Framing="octet-counted"`,
        '  StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="127.0.0.1"',
        '  template="RSYSLOG_SyslogProtocol23Format")',
        '',
      ].join('\n'),
    );
    rsyslog = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: 'ignore' });
  });

  afterAll(async () => {
    if (rsyslog && rsyslog.exitCode === null) {
      const exited = new Promise((resolve) => rsyslog!.once('exit', resolve));
      rsyslog.kill('SIGTERM');
      await exited;
    }
    await listener.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards auth log lines over TLS: RFC 5424, octet-counted, the LF inside the count', async () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) => `Accepted publickey for user${i} from 192.0.2.10 port ${50000 + i} ssh2`,
    );
    // rsyslog starts asynchronously; lines written before imfile watches the file are still read from its start.
    appendFileSync(join(dir, 'auth.log'), `${lines.join('\n')}\n`);
    await waitFor('twenty messages over TLS', async () => (received.length >= 20 ? true : undefined), 15_000);
    expect(received.map((r) => r.message.message)).toEqual(lines);
    expect(received[0]).toMatchObject({
      transport: 'tls',
      message: { format: 'rfc5424', appName: 'sshd', procId: '40211', facility: 10, severity: 6 },
    });
    expect(received[0]!.raw.endsWith('\n')).toBe(true);
    expect(listener.counters.snapshot().rejected).toEqual({});
  });

  it('plain text on the TLS port is a counted handshake failure', async () => {
    const socket = await rawClient(listener.address.port);
    socket.write('<13>Jan  5 09:00:00 h a: not tls\n');
    expect(await closedWithin(socket, 5000)).toBe(true);
    await waitFor('the handshake rejection', async () =>
      listener.counters.rejected('tls-handshake') >= 1 ? true : undefined,
    );
  });
});
