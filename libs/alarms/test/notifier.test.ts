import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer as createHttp } from 'node:http';
import { createServer as createTcp, type AddressInfo } from 'node:net';
import { formatSyslog, syslogTransport, webhookTransport, type Alarm } from '@gatehouse/alarms';

const alarm: Alarm = {
  id: '0b1c2d3e-0000-4000-8000-000000000001',
  key: 'forced-open|front-door||||',
  type: 'forced-open',
  priority: 'high',
  state: 'new',
  doorId: 'front-door',
  readerId: null,
  sensorId: null,
  cardholderId: null,
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

describe('alarm notifications to real local receivers', () => {
  it('signs webhooks with HMAC-SHA256 over timestamp and body, retries a 500, not a 400', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const statuses = [500, 200, 400];
    const server = createHttp((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = statuses.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      await webhookTransport(url, 'shared secret', ['alarm.raised']).send(alarm, 'alarm.raised');
      expect(received).toHaveLength(2); // one failure, one retry
      const { headers, body } = received[1]!;
      const expected = createHmac('sha256', 'shared secret')
        .update(`${String(headers['x-gatehouse-timestamp'])}.${body}`)
        .digest('hex');
      expect(headers['x-gatehouse-signature']).toBe(`sha256=${expected}`);
      expect(JSON.parse(body)).toMatchObject({
        change: 'alarm.raised',
        type: 'forced-open',
        priority: 'high',
        doorId: 'front-door',
      });
      await expect(
        webhookTransport(url, 'shared secret', ['alarm.raised']).send(alarm, 'alarm.raised'),
      ).rejects.toThrow('HTTP 400');
      expect(received).toHaveLength(3); // a refusal is not retried
    } finally {
      server.close();
    }
  });

  it('formats RFC 5424 with structured data, and CEF with escaping', () => {
    const line = formatSyslog(
      { ...alarm, detail: 'quote " and ] bracket' },
      'alarm.raised',
      'rfc5424',
      'gw1',
    );
    expect(line).toMatch(
      /^<107>1 \d{4}-\d\d-\d\dT[\d:.]+Z gw1 gatehouse - alarm\.raised \[alarm@32473 id="0b1c2d3e-0000-4000-8000-000000000001" type="forced-open" priority="high" state="new" door="front-door" count="1"\] forced-open \(high\): quote " and ] bracket$/,
    );
    const cef = formatSyslog({ ...alarm, detail: 'a=b\nc|d' }, 'alarm.escalated', 'cef', 'gw1');
    expect(cef).toContain('CEF:0|Gatehouse|Gatehouse|0.1.0|forced-open|alarm.escalated forced-open|8|');
    expect(cef).toContain('msg=a\\=b c|d');
    expect(cef).toContain('cs2Label=door cs2=front-door');
  });

  it('sends syslog over UDP (a datagram a message) and TCP (octet counting)', async () => {
    const udp = createSocket('udp4');
    const datagrams: string[] = [];
    udp.on('message', (m) => datagrams.push(m.toString()));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const tcpFrames: string[] = [];
    const tcp = createTcp((socket) => {
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('end', () => tcpFrames.push(data));
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    try {
      await syslogTransport('127.0.0.1', udp.address().port, 'udp', 'rfc5424', ['alarm.raised']).send(
        alarm,
        'alarm.raised',
      );
      await syslogTransport('127.0.0.1', (tcp.address() as AddressInfo).port, 'tcp', 'cef', [
        'alarm.raised',
      ]).send(alarm, 'alarm.raised');
      await new Promise((r) => setTimeout(r, 200));
      expect(datagrams).toHaveLength(1);
      expect(datagrams[0]).toContain('[alarm@32473 id="0b1c2d3e');
      const frame = tcpFrames[0]!;
      const [length, ...rest] = frame.split(' ');
      expect(Number(length)).toBe(Buffer.byteLength(rest.join(' ')));
      expect(frame).toContain('CEF:0|Gatehouse');
    } finally {
      udp.close();
      tcp.close();
    }
  });
});
