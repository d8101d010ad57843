import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp, type IncomingHttpHeaders } from 'node:http';
import { createServer as createTcp, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTls, type TLSSocket } from 'node:tls';
import {
  type Alarm,
  type AudienceRules,
  DeliveryError,
  documentFor,
  formatSyslog,
  type Notification,
  parseRetryAfter,
  syslogTransport,
  webhookTransport,
} from '@gatehouse/alarms';
import { makeTls } from '../../../test/support/broker';

const alarm: Alarm = {
  id: '0b1c2d3e-0000-4000-8000-000000000001',
  key: 'forced-open|front-door||||',
  type: 'forced-open',
  priority: 'high',
  state: 'new',
  doorId: 'front-door',
  readerId: null,
  sensorId: null,
  cardholderId: 'ch-42',
  detail: 'no grant and no request to exit',
  silent: false,
  raisedAt: Date.parse('2026-06-01T10:00:00Z'),
  lastAt: Date.parse('2026-06-01T10:00:00Z'),
  count: 1,
  active: true,
  clearedAt: null,
  owner: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  escalations: 0,
  comments: [],
};
const all: AudienceRules = {
  events: ['alarm.raised', 'alarm.escalated', 'alarm.resolved'],
  silentAlarms: false,
  personalData: false,
};
const note = (a: Alarm, change: string, rules = all, deliveryId = 'd-1'): Notification => ({
  deliveryId,
  document: documentFor(a, change, a.raisedAt, rules)!,
});
const syslog = { format: 'rfc5424' as const, enterpriseNumber: 32473, version: '0.1.0', host: 'gw1' };

describe('what an alarm notification says, and to whom', () => {
  it('keeps silent alarms from targets not marked for them, and the cardholder from targets without personal data', () => {
    const duress = { ...alarm, type: 'duress', priority: 'critical' as const, silent: true };
    expect(documentFor(duress, 'alarm.raised', 0, all)).toBeNull();
    expect(documentFor(duress, 'alarm.raised', 0, { ...all, silentAlarms: true })).toMatchObject({
      type: 'duress',
      cardholderId: null,
    });
    expect(documentFor(alarm, 'alarm.raised', 0, { ...all, personalData: true })).toMatchObject({
      cardholderId: 'ch-42',
      detail: 'no grant and no request to exit',
    });
    // The detail of an alarm about a person may name them: withheld with the person.
    expect(documentFor(alarm, 'alarm.raised', 0, all)).toMatchObject({ cardholderId: null, detail: null });
    expect(documentFor({ ...alarm, cardholderId: null }, 'alarm.raised', 0, all)?.detail).toBe(
      'no grant and no request to exit',
    );
    expect(documentFor(alarm, 'alarm.acknowledged', 0, all)).toBeNull();
  });

  it('sends the all-clear as informational: syslog severity 6, CEF 1, never the alarm priority', () => {
    const ended = { ...alarm, priority: 'critical' as const, state: 'resolved' as const };
    const doc = note(ended, 'alarm.resolved').document;
    expect(doc.severity).toBe('informational');
    expect(formatSyslog(note(ended, 'alarm.resolved'), syslog)).toMatch(/^<110>1 /); // 13*8+6
    expect(formatSyslog(note(ended, 'alarm.resolved'), { ...syslog, format: 'cef' })).toContain(
      '|alarm.resolved forced-open|1|',
    );
    expect(formatSyslog(note(ended, 'alarm.raised'), syslog)).toMatch(/^<106>1 /); // critical: 13*8+2
  });

  it('formats RFC 5424 with the configured enterprise number, the delivery id and the change time', () => {
    const line = formatSyslog(
      note({ ...alarm, cardholderId: null, detail: 'quote " and ] bracket' }, 'alarm.raised'),
      {
        ...syslog,
        enterpriseNumber: 61234,
      },
    );
    expect(line).toBe(
      '<107>1 2026-06-01T10:00:00.000Z gw1 gatehouse - alarm.raised [alarm@61234 id="0b1c2d3e-0000-4000-8000-000000000001" delivery="d-1" type="forced-open" priority="high" state="new" door="front-door" count="1"] forced-open (high): quote " and ] bracket',
    );
  });

  it('escapes CEF: = and \\ in values, line breaks as \\n and \\r, pipes in the header', () => {
    const cef = formatSyslog(
      note({ ...alarm, cardholderId: null, detail: 'a=b\nc|d\r\ne\rf' }, 'alarm.escalated'),
      {
        ...syslog,
        format: 'cef',
      },
    );
    expect(cef).toContain('CEF:0|Gatehouse|Gatehouse|0.1.0|forced-open|alarm.escalated forced-open|8|');
    expect(cef).toContain('msg=a\\=b\\nc|d\\ne\\rf');
    expect(cef).toContain('externalId=d-1');
    expect(cef).not.toContain('suid=');
    expect(cef.split('\n')).toHaveLength(1);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-06-01T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 01 Jun 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('alarm transports against real local receivers', () => {
  it('signs webhooks, names the product and the delivery; a redirect is a failure, never followed', async () => {
    const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const answers: ((res: import('node:http').ServerResponse) => void)[] = [
      (res) => res.writeHead(200).end(),
      (res) => res.writeHead(307, { location: '/elsewhere' }).end(),
      (res) => res.writeHead(503, { 'retry-after': '7' }).end(),
    ];
    const server = createHttp((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        answers.shift()!(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const hook = webhookTransport({ ...all, url, secret: 'shared secret', userAgent: 'Gatehouse/0.1.0' });
    try {
      await hook.send(note(alarm, 'alarm.raised', all, 'delivery-1'));
      const { headers, body } = received[0]!;
      const expected = createHmac('sha256', 'shared secret')
        .update(`${String(headers['x-gatehouse-timestamp'])}.${body}`)
        .digest('hex');
      expect(headers['x-gatehouse-signature']).toBe(`sha256=${expected}`);
      expect(headers['x-gatehouse-delivery']).toBe('delivery-1');
      expect(headers['user-agent']).toBe('Gatehouse/0.1.0');
      expect(JSON.parse(body)).toMatchObject({
        deliveryId: 'delivery-1',
        change: 'alarm.raised',
        cardholderId: null,
      });
      await expect(hook.send(note(alarm, 'alarm.raised'))).rejects.toThrow(
        'HTTP 307 (redirects are not followed)',
      );
      const refused = await hook.send(note(alarm, 'alarm.raised')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DeliveryError);
      expect((refused as DeliveryError).retryAfterMs).toBe(7000);
      expect(received.map((r) => r.url)).toEqual(['/hook', '/hook', '/hook']);
    } finally {
      hook.close?.();
      server.close();
    }
  });

  it('sends syslog over UDP (a datagram a message) and over one kept TCP connection (octet counting)', async () => {
    const udp = createSocket('udp4');
    const datagrams: string[] = [];
    udp.on('message', (m) => datagrams.push(m.toString()));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    let data = '';
    let connections = 0;
    const tcp = createTcp((socket) => {
      connections += 1;
      socket.on('data', (d: Buffer) => (data += d.toString()));
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    const viaUdp = syslogTransport({
      ...all,
      ...syslog,
      host: '127.0.0.1',
      port: udp.address().port,
      protocol: 'udp',
    });
    const viaTcp = syslogTransport({
      ...all,
      ...syslog,
      format: 'cef',
      host: '127.0.0.1',
      port: (tcp.address() as AddressInfo).port,
      protocol: 'tcp',
    });
    try {
      await viaUdp.send(note(alarm, 'alarm.raised'));
      await viaTcp.send(note(alarm, 'alarm.raised', all, 'd-1'));
      await viaTcp.send(note(alarm, 'alarm.escalated', all, 'd-2'));
      for (let i = 0; i < 100 && (datagrams.length < 1 || !data.includes('d-2')); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(datagrams[0]).toContain('[alarm@32473 id="0b1c2d3e');
      const frames: string[] = [];
      for (let rest = data; rest.length > 0;) {
        const space = rest.indexOf(' ');
        const length = Number(rest.slice(0, space));
        frames.push(rest.slice(space + 1, space + 1 + length));
        rest = rest.slice(space + 1 + length);
      }
      expect(frames.map((f) => /externalId=(\S+)/.exec(f)?.[1])).toEqual(['d-1', 'd-2']);
      expect(connections).toBe(1);
    } finally {
      viaUdp.close?.();
      viaTcp.close?.();
      udp.close();
      tcp.close();
    }
  });

  it('sends syslog over TLS (RFC 5425) trusting the CA it is given, with no SNI for an address; refuses a receiver it cannot verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-syslog-tls-'));
    const files = makeTls(dir);
    const names: (string | false | null)[] = [];
    let data = '';
    const server = createTls(
      { cert: readFileSync(files.serverCert), key: readFileSync(files.serverKey) },
      (socket: TLSSocket) => {
        names.push(socket.servername);
        socket.on('data', (d: Buffer) => (data += d.toString()));
      },
    );
    server.on('tlsClientError', () => undefined); // the untrusting client hangs up mid-handshake
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const target = { ...all, ...syslog, host: '127.0.0.1', port: (server.address() as AddressInfo).port };
    const trusting = syslogTransport({ ...target, protocol: 'tls', ca: readFileSync(files.ca) });
    const untrusting = syslogTransport({ ...target, protocol: 'tls' });
    try {
      await trusting.send(note(alarm, 'alarm.raised', all, 'd-tls'));
      for (let i = 0; i < 100 && !data.includes('d-tls'); i++) await new Promise((r) => setTimeout(r, 20));
      const length = Number(data.slice(0, data.indexOf(' ')));
      expect(data.slice(data.indexOf(' ') + 1)).toHaveLength(length);
      expect(data).toContain('[alarm@32473 id="0b1c2d3e');
      // SNI carries host names only (RFC 6066 §3); Node warns (DEP0123) when given an address.
      expect(names).toEqual([false]);
      await expect(untrusting.send(note(alarm, 'alarm.raised'))).rejects.toThrow(/certificate/);
    } finally {
      trusting.close?.();
      untrusting.close?.();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
