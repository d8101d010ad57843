import { parseSyslog } from './parse';

const now = new Date('2026-01-05T12:00:00Z');
const parse = (text: string | Buffer, zone = 'Europe/Zurich') =>
  parseSyslog(typeof text === 'string' ? Buffer.from(text) : text, { now, zone });

describe('parseSyslog: RFC 5424', () => {
  it('reads every header field, structured data with escapes, and the message', () => {
    const result = parse(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="App\\"lication\\]" eventID="1011"][examplePriority@32473 class="high"] \uFEFFAn application event\n',
    );
    expect(result).toEqual({
      ok: true,
      message: {
        format: 'rfc5424',
        facility: 20,
        severity: 5,
        timestamp: '2003-10-11T22:14:15.003Z',
        assumed: null,
        hostname: 'mymachine.example.com',
        appName: 'evntslog',
        procId: '1234',
        msgId: 'ID47',
        structuredData: [
          { id: 'exampleSDID@32473', params: { iut: '3', eventSource: 'App"lication]', eventID: '1011' } },
          { id: 'examplePriority@32473', params: { class: 'high' } },
        ],
        message: 'An application event',
      },
    });
  });

  it('converts an offset time to UTC; nil fields are null; no message is empty', () => {
    const result = parse('<34>1 2003-08-24T05:14:15.000003-07:00 - - - - -');
    expect(result).toMatchObject({
      ok: true,
      message: { timestamp: '2003-08-24T12:14:15.000Z', hostname: null, appName: null, message: '' },
    });
  });

  it('reads what `logger` sends by default (timeQuality structured data)', () => {
    const result = parse(
      '<13>1 2026-01-05T09:00:00.123456+01:00 lab-ws-07 alice - - [timeQuality tzKnown="1" isSynced="1" syncAccuracy="82000"] hello',
    );
    expect(result).toMatchObject({
      ok: true,
      message: {
        timestamp: '2026-01-05T08:00:00.123Z',
        structuredData: [{ id: 'timeQuality' }],
        message: 'hello',
      },
    });
  });

  it.each([
    ['no PRI', 'hello', 'not-syslog'],
    ['PRI above 191', '<192>1 2003-10-11T22:14:15Z h a p m - x', 'bad-priority'],
    ['PRI with a leading zero', '<013>1 2003-10-11T22:14:15Z h a p m - x', 'bad-priority'],
    ['a time without zone', '<13>1 2003-10-11T22:14:15 h a p m - x', 'bad-timestamp'],
    ['a time that is no date', '<13>1 2003-13-45T22:14:15Z h a p m - x', 'bad-timestamp'],
    ['unclosed structured data', '<13>1 2003-10-11T22:14:15Z h a p m [id a="1" x', 'bad-structured-data'],
    [
      'structured data with no quotes',
      '<13>1 2003-10-11T22:14:15Z h a p m [id a=1] x',
      'bad-structured-data',
    ],
    ['a header cut short', '<13>1 2003-10-11T22:14:15Z h', 'not-syslog'],
  ])('refuses %s', (_what, text, reason) => {
    expect(parse(text)).toEqual({ ok: false, reason });
  });

  it('refuses invalid UTF-8 instead of replacing it', () => {
    const bytes = Buffer.concat([
      Buffer.from('<13>1 2003-10-11T22:14:15Z h a p m - '),
      Buffer.from([0xc3, 0x28]),
    ]);
    expect(parse(bytes)).toEqual({ ok: false, reason: 'invalid-utf8' });
  });
});

describe('parseSyslog: RFC 3164', () => {
  it('assumes the year and the zone, and records both', () => {
    const result = parse('<86>Jan  5 09:00:12 lab-ws-07 sshd[40211]: Accepted publickey for alice');
    expect(result).toEqual({
      ok: true,
      message: {
        format: 'rfc3164',
        facility: 10,
        severity: 6,
        timestamp: '2026-01-05T08:00:12.000Z',
        assumed: { year: 2026, zone: 'Europe/Zurich' },
        hostname: 'lab-ws-07',
        appName: 'sshd',
        procId: '40211',
        msgId: null,
        structuredData: [],
        message: 'Accepted publickey for alice',
      },
    });
  });

  it('a December message read in early January is last year’s', () => {
    expect(parse('<13>Dec 31 23:59:58 h app: x', 'UTC')).toMatchObject({
      ok: true,
      message: { timestamp: '2025-12-31T23:59:58.000Z', assumed: { year: 2025 } },
    });
  });

  it('follows summer time in the assumed zone', () => {
    const july = parseSyslog(Buffer.from('<13>Jul  1 12:00:00 h app: x'), {
      now: new Date('2026-07-02T00:00:00Z'),
      zone: 'Europe/Zurich',
    });
    expect(july).toMatchObject({ ok: true, message: { timestamp: '2026-07-01T10:00:00.000Z' } });
  });

  it('keeps each zone and quarter hour its own offset when messages of several interleave', () => {
    // The offsets are cached for the last quarter hours asked: a stale one would shift a time by hours.
    const at = (line: string, zone: string, now: string) =>
      parseSyslog(Buffer.from(line), { now: new Date(now), zone });
    const cases: [string, string, string, string][] = [
      ['<13>Jan  5 09:00:00 h app: x', 'Europe/Zurich', '2026-01-06T00:00:00Z', '2026-01-05T08:00:00.000Z'],
      [
        '<13>Jan  5 09:00:00 h app: x',
        'America/New_York',
        '2026-01-06T00:00:00Z',
        '2026-01-05T14:00:00.000Z',
      ],
      ['<13>Jul  1 12:00:00 h app: x', 'Europe/Zurich', '2026-07-02T00:00:00Z', '2026-07-01T10:00:00.000Z'],
      ['<13>Jan  5 09:00:00 h app: x', 'UTC', '2026-01-06T00:00:00Z', '2026-01-05T09:00:00.000Z'],
      ['<13>Jan  5 09:00:00 h app: x', 'Europe/Zurich', '2026-01-06T00:00:00Z', '2026-01-05T08:00:00.000Z'],
      [
        '<13>Jul  1 12:00:00 h app: x',
        'America/New_York',
        '2026-07-02T00:00:00Z',
        '2026-07-01T16:00:00.000Z',
      ],
      ['<13>Jan  5 09:15:00 h app: x', 'Europe/Zurich', '2026-01-06T00:00:00Z', '2026-01-05T08:15:00.000Z'],
      [
        '<13>Jan  5 09:00:00 h app: x',
        'America/New_York',
        '2026-01-06T00:00:00Z',
        '2026-01-05T14:00:00.000Z',
      ],
    ];
    for (let round = 0; round < 2; round++)
      for (const [line, zone, now, timestamp] of cases)
        expect(at(line, zone, now)).toMatchObject({ ok: true, message: { timestamp } });
  });

  it('reads rsyslog forward format (RFC 3339 time) without assuming anything', () => {
    expect(parse('<13>2026-01-05T09:00:00.5+01:00 h app[7]: x')).toMatchObject({
      ok: true,
      message: { timestamp: '2026-01-05T08:00:00.500Z', assumed: null, procId: '7', message: 'x' },
    });
  });

  it('keeps a message without a tag whole', () => {
    expect(parse('<13>Jan  5 09:00:00 h just some words')).toMatchObject({
      ok: true,
      message: { appName: null, message: 'just some words' },
    });
  });

  it.each([
    ['a month that is not one', '<13>Foo  5 09:00:00 h app: x', 'bad-timestamp'],
    ['an hour past 23', '<13>Jan  5 25:00:00 h app: x', 'bad-timestamp'],
    ['no time at all', '<13>hello world', 'not-syslog'],
    ['no host', '<13>Jan  5 09:00:00 ', 'not-syslog'],
  ])('refuses %s', (_what, text, reason) => {
    expect(parse(text)).toEqual({ ok: false, reason });
  });
});
