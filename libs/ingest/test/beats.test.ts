import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interpretJson } from '@gatehouse/logins';
import { makeTls } from '../../../test/support/broker';
import { waitFor } from '../../../test/support/wait';
import {
  type BeatsListenerOptions,
  type IngestListener,
  type ReceivedBeatsEvent,
  startBeatsListener,
} from '../src';
import { LumberjackTestClient } from './lumberjack-client';
import { clock, closedWithin, LOOPBACK, OPEN_RATE, rawClient } from './support';

const FIXTURES = join(__dirname, '..', '..', 'logins', 'fixtures', 'winlogbeat');
const winlogbeatDocs = (): string[] =>
  readdirSync(FIXTURES)
    .sort()
    .map((file) => JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'))));

const started: IngestListener[] = [];
const clients: LumberjackTestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(started.splice(0).map((listener) => listener.close()));
});

const listen = async (overrides: Partial<BeatsListenerOptions> = {}) => {
  const received: ReceivedBeatsEvent[] = [];
  const listener = await startBeatsListener({
    name: 'beats',
    secure: false,
    host: '127.0.0.1',
    port: 0,
    allow: LOOPBACK,
    rate: OPEN_RATE,
    clock,
    onEvent: (event) => received.push(event),
    ...overrides,
  });
  started.push(listener);
  return { listener, received };
};

const client = async (port: number, options: Parameters<typeof LumberjackTestClient.connect>[1] = {}) => {
  const connected = await LumberjackTestClient.connect(port, options);
  clients.push(connected);
  return connected;
};

const until = (what: string, check: () => boolean, ms = 5000) =>
  waitFor(what, async () => (check() ? true : undefined), ms);

describe('Beats (Lumberjack v2) listener, with our own test client', () => {
  it('a compressed batch of Winlogbeat documents: each handed over with its raw JSON, then the last sequence acknowledged', async () => {
    const { listener, received } = await listen();
    const docs = winlogbeatDocs();
    const beat = await client(listener.address.port);
    expect(await beat.sendBatch(docs, true)).toBe(docs.length);
    expect(received.map((event) => event.raw)).toEqual(docs);
    expect(received.map((event) => event.sequence)).toEqual(docs.map((_, i) => i + 1));
    const actions = received.map((event) => {
      const result = interpretJson(event.value, event.raw, { zone: 'UTC' });
      return result.kind === 'login' ? result.event.action : result.kind;
    });
    expect(actions.filter((action) => action === 'ignored')).toHaveLength(2); // DWM-1 and the network logon
    expect(actions).toContain('logon');
    expect(listener.counters.accepted).toBe(docs.length);
  });

  it('uncompressed JSON frames, and several batches on one connection', async () => {
    const { listener, received } = await listen();
    const beat = await client(listener.address.port);
    expect(await beat.sendBatch([{ n: 1 }, { n: 2 }, { n: 3 }], false)).toBe(3);
    expect(await beat.sendBatch([{ n: 4 }, { n: 5 }], true)).toBe(2);
    expect(received.map((event) => event.value)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
  });

  it('a batch written one byte at a time is read and acknowledged', async () => {
    const { listener, received } = await listen();
    const beat = await client(listener.address.port);
    beat.socket.setNoDelay(true);
    const bytes = LumberjackTestClient.batch([{ a: 'é' }, { b: 2 }], true);
    for (const byte of bytes) beat.socket.write(Buffer.from([byte]));
    expect(await beat.nextAck()).toBe(2);
    expect(received).toHaveLength(2);
  });

  it('over TLS, the client checking our certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-beats-'));
    try {
      const tls = makeTls(dir);
      const { listener, received } = await listen({
        secure: true,
        tls: { cert: readFileSync(tls.serverCert), key: readFileSync(tls.serverKey) },
      });
      const beat = await client(listener.address.port, { ca: readFileSync(tls.ca) });
      expect(await beat.sendBatch(winlogbeatDocs().slice(0, 3), true)).toBe(3);
      expect(received.map((event) => event.transport)).toEqual(['beats-tls', 'beats-tls', 'beats-tls']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('over TLS, an unknown source is closed before any handshake, and a client that distrusts us is a counted handshake failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-beats-'));
    try {
      const tls = makeTls(dir);
      const tlsOptions = { cert: readFileSync(tls.serverCert), key: readFileSync(tls.serverKey) };
      const closed = await listen({ secure: true, tls: tlsOptions, allow: ['192.0.2.0/24'] });
      await expect(
        LumberjackTestClient.connect(closed.listener.address.port, { ca: readFileSync(tls.ca) }),
      ).rejects.toThrow();
      await until('the refusal', () => closed.listener.counters.rejected('source-not-allowed') === 1);
      expect(closed.listener.counters.rejected('tls-handshake')).toBe(0);
      const open = await listen({ secure: true, tls: tlsOptions });
      // Our own certificate as the only trusted CA: the client refuses the server's.
      await expect(
        LumberjackTestClient.connect(open.listener.address.port, { ca: readFileSync(tls.clientCert) }),
      ).rejects.toThrow();
      await until('the handshake failure', () => open.listener.counters.rejected('tls-handshake') === 1);
      expect(open.received).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with client certificates required (mutual TLS), a Beat without one is refused and counted; one with it is served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-beats-'));
    try {
      const tls = makeTls(dir);
      const ca = readFileSync(tls.ca);
      const { listener, received } = await listen({
        secure: true,
        tls: { cert: readFileSync(tls.serverCert), key: readFileSync(tls.serverKey), ca, requestCert: true },
      });
      const anonymous = await LumberjackTestClient.connect(listener.address.port, { ca }).catch(() => null);
      // TLS 1.3 finishes the client's side before the server refuses: the refusal shows as a closed socket.
      if (anonymous) {
        clients.push(anonymous);
        await expect(anonymous.sendBatch([{ a: 1 }], true, 2000)).rejects.toThrow('no acknowledgement');
      }
      await until('the refused handshake', () => listener.counters.rejected('tls-handshake') === 1);
      const known = await client(listener.address.port, {
        ca,
        cert: readFileSync(tls.clientCert),
        key: readFileSync(tls.clientKey),
      });
      expect(await known.sendBatch([{ a: 1 }], true)).toBe(1);
      expect(received).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an event that is not JSON is counted, and the window still acknowledged', async () => {
    const { listener, received } = await listen();
    const beat = await client(listener.address.port);
    expect(await beat.sendBatch(['{"ok":1}', 'this is not json', '{"ok":2}'], true)).toBe(3);
    expect(received).toHaveLength(2);
    expect(listener.counters.rejected('beats-bad-json')).toBe(1);
  });

  it.each([
    ['garbage', Buffer.from('GET / HTTP/1.1\r\n\r\n'), 'beats-bad-version'],
    ['an unknown frame type', Buffer.from([0x32, 0x57, 0, 0, 0, 1, 0x32, 0x58, 0, 0]), 'beats-unknown-frame'],
    [
      'a length beyond the limit',
      Buffer.from([0x32, 0x57, 0, 0, 0, 1, 0x32, 0x43, 0x7f, 0, 0, 0]),
      'beats-bad-length',
    ],
    ['bad zlib', Buffer.from([0x32, 0x57, 0, 0, 0, 1, 0x32, 0x43, 0, 0, 0, 4, 1, 2, 3, 4]), 'beats-bad-zlib'],
  ])('%s closes the connection and is counted', async (_what, bytes, reason) => {
    const { listener, received } = await listen();
    const socket = await rawClient(listener.address.port);
    socket.write(bytes);
    expect(await closedWithin(socket, 3000)).toBe(true);
    expect(listener.counters.rejected(reason as Parameters<typeof listener.counters.rejected>[0])).toBe(1);
    expect(received).toEqual([]);
  });

  it('a frame cut off by the sender closing is counted as truncated', async () => {
    const { listener } = await listen();
    const socket = await rawClient(listener.address.port);
    socket.end(LumberjackTestClient.batch([{ a: 1 }], false).subarray(0, 12));
    await until('the truncation', () => listener.counters.rejected('truncated') === 1);
  });

  it('a window that never completes is closed by the idle time-out, counted, and never acknowledged', async () => {
    const { listener, received } = await listen({ idleTimeoutMs: 300 });
    const beat = await client(listener.address.port);
    const window = Buffer.from([0x32, 0x57, 0, 0, 0, 5]);
    beat.socket.write(Buffer.concat([window, LumberjackTestClient.jsonFrame(1, '{"a":1}')]));
    await expect(beat.nextAck(2000)).rejects.toThrow('no acknowledgement');
    await until('the open window counted', () => listener.counters.rejected('truncated') === 1);
    expect(listener.counters.rejected('idle-timeout')).toBe(1);
    // The one event that did arrive was handed over; the Beat will resend it, and its key makes that harmless.
    expect(received).toHaveLength(1);
  });

  it('a flood from one Beat is rate limited and counted, still acknowledged; another Beat is unaffected', async () => {
    const { listener, received } = await listen({ rate: { perSecond: 1, burst: 10, maxSources: 10 } });
    const flood = await client(listener.address.port, { localAddress: '127.0.0.1' });
    const calm = await client(listener.address.port, { localAddress: '127.0.0.2' });
    expect(
      await flood.sendBatch(
        Array.from({ length: 100 }, (_, n) => ({ n })),
        true,
      ),
    ).toBe(100);
    expect(await calm.sendBatch([{ calm: 1 }, { calm: 2 }], true)).toBe(2);
    expect(received.filter((event) => event.source === '127.0.0.2')).toHaveLength(2);
    const fromFlood = received.filter((event) => event.source === '127.0.0.1').length;
    expect(fromFlood).toBeGreaterThanOrEqual(10);
    expect(fromFlood).toBeLessThan(15);
    expect(listener.counters.rejected('rate-limited')).toBe(100 - fromFlood);
  });

  it('a Beat outside the allow-list is closed at connect and counted', async () => {
    const { listener } = await listen({ allow: ['192.0.2.0/24'] });
    const socket = await rawClient(listener.address.port);
    expect(await closedWithin(socket, 3000)).toBe(true);
    expect(listener.counters.rejected('source-not-allowed')).toBe(1);
  });
});
