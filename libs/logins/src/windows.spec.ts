import { parseSyslog } from '@gatehouse/ingest';
import type { Interpretation, LoginObserved } from './event';
import { fixtureText } from './fixtures';
import { interpretJson, interpretSyslog } from './interpret';

const ctx = { zone: 'Europe/Zurich' };

/** The parts of a Winlogbeat document the tests spoil. */
interface WinlogbeatDoc {
  '@timestamp'?: string;
  host?: unknown;
  winlog: { event_id?: string; computer_name?: string; event_data: Record<string, string | undefined> };
}

const fromFile = (path: string): Interpretation => {
  const raw = fixtureText(path);
  return interpretJson(JSON.parse(raw), raw, ctx);
};

const login = (interpretation: Interpretation): LoginObserved => {
  if (interpretation.kind !== 'login')
    throw new Error(`expected a login, got ${JSON.stringify(interpretation)}`);
  return interpretation.event;
};

describe('Windows Security events from Winlogbeat (ECS JSON)', () => {
  it('4624 type 2 is a logon by the target account at the computer, keyed by record id', () => {
    const raw = fixtureText('winlogbeat/4624-interactive.json');
    const event = login(interpretJson(JSON.parse(raw), raw, ctx));
    expect(event).toMatchObject({
      key: 'rec:ws-042.corp.example.com:security:1240517',
      action: 'logon',
      os: 'windows',
      remote: false,
      account: { key: 'corp\\alice', name: 'CORP\\alice' },
      workstation: { host: 'ws-042.corp.example.com' },
      clientAddress: null,
      sessionId: '0x3e7a91',
      occurredAt: '2026-01-05T08:01:02.345Z',
      timeAssumed: null,
      source: { format: 'winlogbeat', eventId: 4624, logonType: 2 },
    });
    expect(event.raw).toBe(raw);
  });

  it('4624 type 7 is an unlock', () => {
    expect(login(fromFile('winlogbeat/4624-unlock.json'))).toMatchObject({
      action: 'unlock',
      sessionId: '0x4a0c77',
    });
  });

  it('4624 type 10 (Winlogbeat 7.x numbers) is a remote logon from the jump host', () => {
    expect(login(fromFile('winlogbeat/7x-4624-rdp.json'))).toMatchObject({
      key: 'rec:app-07.corp.example.com:security:88213',
      action: 'logon',
      remote: true,
      account: { key: 'corp\\bob' },
      clientAddress: '10.30.1.4',
      source: { logonType: 10 },
    });
  });

  it('4624 type 3 (network) is not a person at a desk', () => {
    expect(fromFile('winlogbeat/4624-network.json')).toEqual({ kind: 'ignored', reason: 'not-interactive' });
  });

  it("Windows' own interactive sessions (DWM-1) are not a person", () => {
    expect(fromFile('winlogbeat/4624-dwm.json')).toEqual({ kind: 'ignored', reason: 'system-account' });
  });

  it('4625 is a failed logon with the sub-status that says why', () => {
    expect(login(fromFile('winlogbeat/4625-bad-password.json'))).toMatchObject({
      action: 'logon-failed',
      sessionId: null,
      account: { key: 'corp\\alice' },
      source: { eventId: 4625, logonType: 2, failure: '0xc000006a' },
    });
  });

  it.each([
    ['winlogbeat/4634-logoff.json', 'logoff', 4634],
    ['winlogbeat/4647-user-logoff.json', 'logoff', 4647],
    ['winlogbeat/4800-locked.json', 'lock', 4800],
    ['winlogbeat/4801-unlocked.json', 'unlock', 4801],
  ])('%s is %s, tied to the logon by TargetLogonId', (path, action, eventId) => {
    expect(login(fromFile(path))).toMatchObject({ action, sessionId: '0x3e7a91', source: { eventId } });
  });

  it('a logoff of a network logon is not a person either', () => {
    const doc = JSON.parse(fixtureText('winlogbeat/4634-logoff.json'));
    doc.winlog.event_data.LogonType = '3';
    expect(interpretJson(doc, '', ctx)).toEqual({ kind: 'ignored', reason: 'not-interactive' });
  });

  it('other Security events are not login events', () => {
    const doc = JSON.parse(fixtureText('winlogbeat/4624-interactive.json'));
    doc.winlog.event_id = '4672';
    expect(interpretJson(doc, '', ctx)).toEqual({ kind: 'ignored', reason: 'not-a-login-event' });
  });

  it.each([
    ['no LogonType', (d: WinlogbeatDoc) => delete d.winlog.event_data.LogonType, 'missing-field'],
    ['no TargetUserName', (d: WinlogbeatDoc) => delete d.winlog.event_data.TargetUserName, 'missing-field'],
    [
      'an event id that is not a number',
      (d: WinlogbeatDoc) => (d.winlog.event_id = 'logon'),
      'missing-field',
    ],
    ['a time without a zone', (d: WinlogbeatDoc) => (d['@timestamp'] = '2026-01-05 08:01:02'), 'bad-time'],
    [
      'no computer name',
      (d: WinlogbeatDoc) => (delete d.winlog.computer_name, delete d.host),
      'missing-field',
    ],
  ])('a Winlogbeat document with %s is unknown and kept', (_what, spoil, reason) => {
    const doc = JSON.parse(fixtureText('winlogbeat/4624-interactive.json'));
    spoil(doc);
    const raw = JSON.stringify(doc);
    expect(interpretJson(doc, raw, ctx)).toEqual({ kind: 'unknown', reason, raw });
  });
});

describe('Windows Security events from NXLog JSON', () => {
  it('4624 type 2: local EventTime read in the assumed zone, and the assumption recorded', () => {
    expect(login(fromFile('nxlog/4624-interactive.json'))).toMatchObject({
      key: 'rec:ws-042.corp.example.com:security:1240517',
      action: 'logon',
      account: { key: 'corp\\alice' },
      occurredAt: '2026-01-05T08:01:02.000Z',
      timeAssumed: { zone: 'Europe/Zurich' },
      source: { format: 'nxlog-json', eventId: 4624, logonType: 2 },
    });
  });

  it('the same record through Winlogbeat and NXLog has the same key (one fact)', () => {
    expect(login(fromFile('nxlog/4624-interactive.json')).key).toBe(
      login(fromFile('winlogbeat/4624-interactive.json')).key,
    );
  });

  it('4624 type 5 (service) is not a person', () => {
    expect(fromFile('nxlog/4624-service.json')).toEqual({ kind: 'ignored', reason: 'not-interactive' });
  });

  it('4801 is an unlock', () => {
    expect(login(fromFile('nxlog/4801-unlocked.json'))).toMatchObject({
      action: 'unlock',
      sessionId: '0x4a0c77',
      occurredAt: '2026-01-05T11:15:40.000Z',
    });
  });

  it('JSON that is no known format is unknown, not guessed', () => {
    const raw = '{"user":"alice","action":"login","host":"ws-042"}';
    expect(interpretJson(JSON.parse(raw), raw, ctx)).toEqual({
      kind: 'unknown',
      reason: 'unknown-format',
      raw,
    });
    expect(interpretJson([1, 2], '[1,2]', ctx)).toEqual({
      kind: 'unknown',
      reason: 'not-json-object',
      raw: '[1,2]',
    });
  });
});

describe('Windows Security events as RFC 5424 text (NXLog to_syslog_ietf)', () => {
  const lines = fixtureText('syslog/windows-rfc5424.log').trim().split('\n');
  const interpret = (line: string): Interpretation => {
    const parsed = parseSyslog(Buffer.from(line), { now: new Date('2026-01-05T12:00:00Z'), zone: 'UTC' });
    if (!parsed.ok) throw new Error(parsed.reason);
    return interpretSyslog(parsed.message, line, ctx);
  };

  it('4624 type 2 from the structured data, with the time and offset of the header', () => {
    expect(login(interpret(lines[0]!))).toMatchObject({
      key: 'rec:ws-042.corp.example.com:security:1240517',
      action: 'logon',
      account: { key: 'corp\\alice' },
      occurredAt: '2026-01-05T08:01:02.345Z',
      timeAssumed: null,
      source: { format: 'windows-syslog', eventId: 4624, logonType: 2 },
      raw: lines[0],
    });
  });

  it('4647 is a logoff; 4624 type 3 is ignored', () => {
    expect(login(interpret(lines[1]!))).toMatchObject({ action: 'logoff', sessionId: '0x3e7a91' });
    expect(interpret(lines[2]!)).toEqual({ kind: 'ignored', reason: 'not-interactive' });
  });

  it('a Windows record in a shape we do not read is unknown and kept, not dropped', () => {
    const rendered =
      '<14>1 2026-01-05T09:01:02Z WS-042 Microsoft-Windows-Security-Auditing 788 - - An account was successfully logged on.';
    expect(interpret(rendered)).toEqual({ kind: 'unknown', reason: 'unknown-format', raw: rendered });
    const snare =
      '<13>Jan  5 09:01:02 WS-042 MSWinEventLog\t1\tSecurity\t1240517\tMon Jan 05 09:01:02 2026\t4624';
    expect(interpret(snare)).toMatchObject({ kind: 'unknown', reason: 'unknown-format' });
  });

  it('NXLog JSON carried as the syslog message is read as NXLog JSON', () => {
    const json = JSON.stringify(JSON.parse(fixtureText('nxlog/4801-unlocked.json')));
    const line = `<14>Jan  5 12:15:41 WS-042 nxlog: ${json}`;
    expect(login(interpret(line))).toMatchObject({ action: 'unlock', source: { format: 'nxlog-json' } });
    expect(interpret('<14>Jan  5 12:15:41 WS-042 nxlog: {"EventID": 48')).toMatchObject({
      kind: 'unknown',
      reason: 'unknown-format',
    });
  });
});
