import { parseSyslog, type SyslogMessage } from '@gatehouse/ingest';
import type { SyslogFields } from './syslog-fields';
import { fixtureText } from './fixtures';
import { interpretSyslog } from './interpret';

// The ingest parser's message is what the login parsers read.
const fits = (message: SyslogMessage): SyslogFields => message;

interface Expected {
  kind: string;
  reason?: string;
  action?: string;
  account?: string | null;
  remote?: boolean;
  sessionId?: string | null;
  service?: string;
  clientAddress?: string;
}

describe('Linux auth log lines (sshd, pam_unix, systemd-logind)', () => {
  const lines = fixtureText('syslog/linux-auth.log').trim().split('\n');
  const expected = JSON.parse(fixtureText('syslog/linux-auth.expected.json')) as Expected[];
  const now = new Date('2026-01-05T12:00:00Z');

  it('has one expectation per sample line', () => {
    expect(expected).toHaveLength(lines.length);
  });

  it.each(lines.map((line, index) => [index + 1, line] as const))('line %i: %s', (index, line) => {
    const wire = `<86>${line}`;
    const parsed = parseSyslog(Buffer.from(wire), { now, zone: 'Europe/Zurich' });
    if (!parsed.ok) throw new Error(parsed.reason);
    const result = interpretSyslog(fits(parsed.message), wire, { zone: 'Europe/Zurich' });
    const want = expected[index - 1]!;
    if (want.kind !== 'login') {
      expect(result).toEqual({ kind: want.kind, reason: want.reason });
      return;
    }
    if (result.kind !== 'login') throw new Error(`expected a login, got ${JSON.stringify(result)}`);
    const { event } = result;
    expect({
      action: event.action,
      account: event.account?.key ?? null,
      remote: event.remote,
      sessionId: event.sessionId,
      service: event.source.service,
      ...(want.clientAddress ? { clientAddress: event.clientAddress } : {}),
    }).toEqual(withoutKind(want));
    expect(event).toMatchObject({ os: 'linux', workstation: { host: 'lab-ws-07' }, raw: wire });
    // RFC 3164 has no year and no zone: both assumed and recorded.
    expect(event.timeAssumed).toEqual({ year: 2026, zone: 'Europe/Zurich' });
    expect(event.key).toMatch(/^sha256:[0-9a-f]{32}$/);
  });

  it('the same line twice has the same key; another second or pid, another key', () => {
    const keyOf = (line: string): string => {
      const parsed = parseSyslog(Buffer.from(line), { now, zone: 'UTC' });
      if (!parsed.ok) throw new Error(parsed.reason);
      const result = interpretSyslog(parsed.message, line, { zone: 'UTC' });
      if (result.kind !== 'login') throw new Error('not a login');
      return result.event.key;
    };
    const line =
      '<86>Jan  5 09:00:12 lab-ws-07 sshd[40211]: Accepted publickey for alice from 192.0.2.10 port 52144 ssh2';
    expect(keyOf(line)).toBe(keyOf(line));
    expect(keyOf(line.replace('09:00:12', '09:00:13'))).not.toBe(keyOf(line));
    expect(keyOf(line.replace('40211', '40212'))).not.toBe(keyOf(line));
  });

  it('a session opened for a user name that is no account is unknown and kept', () => {
    const wire =
      '<86>Jan  5 09:00:12 lab-ws-07 login[1]: pam_unix(login:session): session opened for user ../etc(uid=5) by (uid=0)';
    const parsed = parseSyslog(Buffer.from(wire), { now, zone: 'UTC' });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(interpretSyslog(parsed.message, wire, { zone: 'UTC' })).toEqual({
      kind: 'unknown',
      reason: 'missing-field',
      raw: wire,
    });
  });
});

const withoutKind = (want: Expected): Omit<Expected, 'kind'> => {
  const { kind: _kind, ...rest } = want;
  return rest;
};
