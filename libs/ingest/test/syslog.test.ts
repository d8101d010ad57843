import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interpretSyslog } from '@gatehouse/logins';
import { waitFor } from '../../../test/support/wait';
import {
  type IngestListener,
  type ReceivedSyslog,
  startStreamSyslog,
  startUdpSyslog,
  type SyslogListenerOptions,
} from '../src';
import { clock, closedWithin, logger, LOOPBACK, OPEN_RATE, pause, rawClient } from './support';

const started: IngestListener[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((listener) => listener.close()));
});

const listen = async (
  transport: 'udp' | 'tcp',
  overrides: Partial<SyslogListenerOptions> = {},
): Promise<{ listener: IngestListener; received: ReceivedSyslog[] }> => {
  const received: ReceivedSyslog[] = [];
  const options: SyslogListenerOptions = {
    name: `syslog-${transport}`,
    transport,
    host: '127.0.0.1',
    port: 0,
    allow: LOOPBACK,
    rate: OPEN_RATE,
    zone: 'Europe/Zurich',
    clock,
    onMessage: (message) => received.push(message),
    ...overrides,
  };
  const listener = transport === 'udp' ? await startUdpSyslog(options) : await startStreamSyslog(options);
  started.push(listener);
  return { listener, received };
};

const until = (what: string, check: () => boolean, ms = 5000) =>
  waitFor(what, async () => (check() ? true : undefined), ms);

const SSH_LINE = 'Accepted publickey for alice from 192.0.2.10 port 52144 ssh2';

describe('syslog over UDP, sent by logger', () => {
  it('RFC 5424: header fields as logger sends them, the raw datagram kept', async () => {
    const { listener, received } = await listen('udp');
    const port = String(listener.address.port);
    logger([
      '--server',
      '127.0.0.1',
      '--port',
      port,
      '--udp',
      '--rfc5424',
      '-t',
      'sshd',
      '--id=40211',
      '-p',
      'authpriv.info',
      SSH_LINE,
    ]);
    await until('one message', () => received.length === 1);
    const [got] = received;
    expect(got).toMatchObject({
      transport: 'udp',
      source: '127.0.0.1',
      message: {
        format: 'rfc5424',
        facility: 10,
        severity: 6,
        appName: 'sshd',
        procId: '40211',
        message: SSH_LINE,
        assumed: null,
      },
    });
    expect(got!.raw).toMatch(/^<86>1 \S+ \S+ sshd 40211 - \[timeQuality /);
    expect(listener.counters.accepted).toBe(1);
  });

  it('RFC 3164: the year and zone it lacks are assumed and recorded', async () => {
    const { listener, received } = await listen('udp');
    // logger writes its own local time; the listener assumes the same zone.
    logger(
      [
        '--server',
        '127.0.0.1',
        '--port',
        String(listener.address.port),
        '--udp',
        '--rfc3164',
        '-t',
        'sshd',
        SSH_LINE,
      ],
      {
        TZ: 'Europe/Zurich',
      },
    );
    await until('one message', () => received.length === 1);
    const message = received[0]!.message;
    expect(message).toMatchObject({
      format: 'rfc3164',
      appName: 'sshd',
      message: SSH_LINE,
      assumed: { zone: 'Europe/Zurich' },
    });
    const yearInZurich = Number(
      new Intl.DateTimeFormat('en', { timeZone: 'Europe/Zurich', year: 'numeric' }).format(new Date()),
    );
    expect(message.assumed).toEqual({ year: yearInZurich, zone: 'Europe/Zurich' });
    // Within a minute of now: the zone assumption put the local time back on the right instant.
    expect(Math.abs(Date.parse(message.timestamp!) - Date.now())).toBeLessThan(60_000);
  });

  it('a datagram from a source outside the allow-list is dropped and counted', async () => {
    const { listener, received } = await listen('udp', { allow: ['10.0.0.0/8'] });
    logger(['--server', '127.0.0.1', '--port', String(listener.address.port), '--udp', SSH_LINE]);
    await until('the rejection', () => listener.counters.rejected('source-not-allowed') === 1);
    expect(received).toEqual([]);
  });
});

describe('syslog over UDP, bad datagrams', () => {
  const sendDatagrams = async (port: number, datagrams: Buffer[]) => {
    const socket = createSocket('udp4');
    for (const datagram of datagrams) {
      await new Promise<void>((resolve, reject) =>
        socket.send(datagram, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
      );
    }
    socket.close();
  };

  it('oversize, invalid UTF-8 and garbage datagrams are counted; the good one between them goes through', async () => {
    const { listener, received } = await listen('udp', { maxFrameBytes: 512 });
    await sendDatagrams(listener.address.port, [
      Buffer.from(`<13>Jan  5 09:00:00 h a: ${'x'.repeat(2000)}`),
      Buffer.concat([Buffer.from('<13>Jan  5 09:00:00 h a: '), Buffer.from([0xc0, 0xaf])]),
      Buffer.from('GET / HTTP/1.0\r\n\r\n'),
      Buffer.from('<13>Jan  5 09:00:00 h a: fine'),
    ]);
    await until('the good datagram', () => received.length === 1);
    await until(
      'the bad ones counted',
      () =>
        listener.counters.rejected('oversize') === 1 &&
        listener.counters.rejected('invalid-utf8') === 1 &&
        listener.counters.rejected('not-syslog') === 1,
    );
    expect(received[0]!.message.message).toBe('fine');
  });

  it('a flood of datagrams is rate limited and counted', async () => {
    const { listener, received } = await listen('udp', { rate: { perSecond: 1, burst: 10, maxSources: 10 } });
    await sendDatagrams(
      listener.address.port,
      Array.from({ length: 50 }, (_, i) => Buffer.from(`<13>Jan  5 09:00:00 h a: ${i}`)),
    );
    // UDP on loopback may still drop under load: count what arrived either way.
    await until(
      'every datagram accounted for',
      () => received.length + listener.counters.rejected('rate-limited') >= 45,
    );
    expect(received.length).toBeGreaterThanOrEqual(10);
    expect(received.length).toBeLessThan(15);
  });
});

describe('syslog over TCP', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-ingest-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logger --octet-count: many messages on one connection, in order', async () => {
    const { listener, received } = await listen('tcp');
    const file = join(dir, 'lines.txt');
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i} of fifty`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    logger([
      '--server',
      '127.0.0.1',
      '--port',
      String(listener.address.port),
      '--tcp',
      '--octet-count',
      '--rfc5424',
      '-t',
      'app',
      '-f',
      file,
    ]);
    await until('fifty messages', () => received.length === 50);
    expect(received.map((r) => r.message.message)).toEqual(lines);
    expect(received[0]!.transport).toBe('tcp');
  });

  it('logger without octet counting (newline framing), RFC 3164', async () => {
    const { listener, received } = await listen('tcp');
    logger([
      '--server',
      '127.0.0.1',
      '--port',
      String(listener.address.port),
      '--tcp',
      '--rfc3164',
      '-t',
      'CRON',
      'one',
    ]);
    logger([
      '--server',
      '127.0.0.1',
      '--port',
      String(listener.address.port),
      '--tcp',
      '--rfc3164',
      '-t',
      'CRON',
      'two',
    ]);
    await until('two messages', () => received.length === 2);
    expect(received.map((r) => [r.message.format, r.message.appName, r.message.message])).toEqual([
      ['rfc3164', 'CRON', 'one'],
      ['rfc3164', 'CRON', 'two'],
    ]);
  });

  it('from logger to a login event: the raw frame travels with it', async () => {
    const { listener, received } = await listen('tcp');
    logger([
      '--server',
      '127.0.0.1',
      '--port',
      String(listener.address.port),
      '--tcp',
      '--octet-count',
      '--rfc5424',
      '-t',
      'sshd',
      '--id=40211',
      SSH_LINE,
    ]);
    await until('one message', () => received.length === 1);
    const interpretation = interpretSyslog(received[0]!.message, received[0]!.raw, { zone: 'UTC' });
    expect(interpretation).toMatchObject({
      kind: 'login',
      event: {
        action: 'logon',
        remote: true,
        account: { key: 'alice' },
        sessionId: 'sshd:40211',
        raw: received[0]!.raw,
      },
    });
  });

  it('several frames in one write, and a frame split across writes', async () => {
    const { listener, received } = await listen('tcp');
    const socket = await rawClient(listener.address.port);
    const frame = (text: string) => `${Buffer.byteLength(text)} ${text}`;
    socket.write(
      frame('<13>1 - h a - - - one') + frame('<13>1 - h a - - - two') + '<13>Jan  5 09:00:00 h a: three\n',
    );
    await until('three messages', () => received.length === 3);
    const split = frame('<13>1 - h a - - - fóur, split');
    for (const part of [split.slice(0, 2), split.slice(2, 9), split.slice(9)]) {
      socket.write(part);
      await pause(30);
    }
    await until('four messages', () => received.length === 4);
    expect(received.map((r) => r.message.message)).toEqual(['one', 'two', 'three', 'fóur, split']);
    socket.destroy();
  });

  it('an oversize frame is dropped and counted; the connection reads on', async () => {
    const { listener, received } = await listen('tcp', { maxFrameBytes: 256 });
    const socket = await rawClient(listener.address.port);
    const big = `<13>1 - h a - - - ${'x'.repeat(1000)}`;
    socket.write(`${big.length} ${big}`);
    socket.write('20 <13>1 - h a - - - ok');
    await until('the next message', () => received.length === 1);
    expect(received[0]!.message.message).toBe('ok');
    expect(listener.counters.rejected('oversize')).toBe(1);
    socket.destroy();
  });

  it('stops reading while what it feeds is busy, past its idle time-out, and reads on once free', async () => {
    let busy = false;
    let resume: (() => void) | null = null;
    const { listener, received } = await listen('tcp', {
      idleTimeoutMs: 200,
      backpressure: { busy: () => busy, onceFree: (r) => (resume = r) },
    });
    const socket = await rawClient(listener.address.port);
    busy = true;
    socket.write('<13>Jan  5 09:00:00 h a: one\n');
    await until('the first message, then held', () => received.length === 1 && resume !== null);
    socket.write('<13>Jan  5 09:00:01 h a: two\n');
    // Held longer than the idle time-out: not read, and not closed as idle.
    await pause(500);
    expect(received).toHaveLength(1);
    expect(listener.counters.rejected('idle-timeout')).toBe(0);
    busy = false;
    resume!();
    await until('the second message', () => received.length === 2);
    expect(received.map((r) => r.message.message)).toEqual(['one', 'two']);
    socket.destroy();
  });

  it('a wrong octet count closes the connection and is counted', async () => {
    const { listener, received } = await listen('tcp');
    const socket = await rawClient(listener.address.port);
    socket.write('12x<13>1 - h a - - - bad');
    expect(await closedWithin(socket, 3000)).toBe(true);
    expect(listener.counters.rejected('bad-octet-count')).toBe(1);
    expect(received).toEqual([]);
  });

  it('a frame cut off by the peer closing is counted as truncated', async () => {
    const { listener } = await listen('tcp');
    const socket = await rawClient(listener.address.port);
    socket.end('100 <13>1 - h a - - - cut short');
    await until('the truncation', () => listener.counters.rejected('truncated') === 1);
  });

  it('invalid UTF-8 and text that is not syslog are counted, and do not stop the connection', async () => {
    const { listener, received } = await listen('tcp');
    const socket = await rawClient(listener.address.port);
    socket.write(Buffer.concat([Buffer.from('<13>Jan  5 09:00:00 h a: '), Buffer.from([0xff, 0xfe, 0x0a])]));
    socket.write('<garbage>\n<13>Jan  5 09:00:00 h a: fine\n');
    await until('the good message', () => received.length === 1);
    expect(listener.counters.rejected('invalid-utf8')).toBe(1);
    expect(listener.counters.rejected('bad-priority')).toBe(1);
    socket.destroy();
  });

  it('a source outside the allow-list is closed at connect and counted', async () => {
    const { listener } = await listen('tcp', { allow: ['127.0.0.2/32'] });
    const socket = await rawClient(listener.address.port, '127.0.0.1');
    expect(await closedWithin(socket, 3000)).toBe(true);
    expect(listener.counters.rejected('source-not-allowed')).toBe(1);
    const allowed = await rawClient(listener.address.port, '127.0.0.2');
    expect(await closedWithin(allowed, 300)).toBe(false);
    allowed.destroy();
  });

  it('a flood from one source is rate limited and counted; another source is unaffected', async () => {
    const { listener, received } = await listen('tcp', { rate: { perSecond: 1, burst: 20, maxSources: 10 } });
    const flood = await rawClient(listener.address.port, '127.0.0.1');
    const calm = await rawClient(listener.address.port, '127.0.0.2');
    flood.write(Array.from({ length: 500 }, (_, i) => `<13>Jan  5 09:00:00 h a: flood ${i}\n`).join(''));
    await until(
      'the flood counted',
      () => listener.counters.rejected('rate-limited') + countFrom(received, '127.0.0.1') === 500,
    );
    calm.write(Array.from({ length: 5 }, (_, i) => `<13>Jan  5 09:00:00 h a: calm ${i}\n`).join(''));
    await until('the calm messages', () => countFrom(received, '127.0.0.2') === 5);
    expect(countFrom(received, '127.0.0.1')).toBeGreaterThanOrEqual(20);
    expect(countFrom(received, '127.0.0.1')).toBeLessThan(30);
    flood.destroy();
    calm.destroy();
  });

  it('connections beyond the limit are closed and counted', async () => {
    const { listener } = await listen('tcp', { maxConnections: 2 });
    const first = await rawClient(listener.address.port);
    const second = await rawClient(listener.address.port);
    await until('two connections', () => listener.connections === 2);
    const third = await rawClient(listener.address.port);
    expect(await closedWithin(third, 3000)).toBe(true);
    expect(listener.counters.rejected('too-many-connections')).toBe(1);
    first.destroy();
    second.destroy();
  });

  it('an idle connection is closed and counted', async () => {
    const { listener } = await listen('tcp', { idleTimeoutMs: 200 });
    const socket = await rawClient(listener.address.port);
    expect(await closedWithin(socket, 3000)).toBe(true);
    expect(listener.counters.rejected('idle-timeout')).toBe(1);
  });
});

const countFrom = (received: ReceivedSyslog[], source: string) =>
  received.filter((r) => r.source === source).length;
