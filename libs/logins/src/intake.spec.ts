import type { Interpretation } from './event';
import { fixtureText } from './fixtures';
import { LoginIntake } from './intake';
import { interpretJson } from './interpret';

const at = new Date('2026-01-05T12:00:00Z');
const ctx = { zone: 'UTC' };
const sample = (): Interpretation => {
  const raw = fixtureText('winlogbeat/4624-interactive.json');
  return interpretJson(JSON.parse(raw), raw, ctx);
};

describe('LoginIntake', () => {
  it('passes a login once; the same record again is a counted duplicate', () => {
    const intake = new LoginIntake();
    expect(intake.take(sample(), 'beats', at)?.action).toBe('logon');
    expect(intake.take(sample(), 'beats', at)).toBeNull();
    expect(intake).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('counts ignored messages by reason and keeps nothing of them', () => {
    const intake = new LoginIntake();
    intake.take({ kind: 'ignored', reason: 'not-interactive' }, 'beats', at);
    intake.take({ kind: 'ignored', reason: 'not-interactive' }, 'beats', at);
    intake.take({ kind: 'ignored', reason: 'ignored-service' }, 'syslog', at);
    expect(intake.ignored).toEqual({ 'not-interactive': 2, 'ignored-service': 1 });
    expect(intake.keptUnknown()).toEqual([]);
  });

  it('keeps the latest unknown messages, as many as configured', () => {
    const intake = new LoginIntake({ keepUnknown: 2 });
    for (const raw of ['a', 'b', 'c'])
      intake.take({ kind: 'unknown', reason: 'unknown-format', raw }, 'http', at);
    expect(intake.unknown).toEqual({ 'unknown-format': 3 });
    expect(intake.keptUnknown().map((kept) => kept.raw)).toEqual(['b', 'c']);
    expect(intake.keptUnknown()[0]).toEqual({
      reason: 'unknown-format',
      raw: 'b',
      via: 'http',
      at: at.toISOString(),
    });
  });

  it('remembers a bounded number of keys: the oldest is forgotten first', () => {
    const intake = new LoginIntake({ rememberKeys: 2 });
    const withKey = (key: string): Interpretation => {
      const interpretation = sample();
      if (interpretation.kind !== 'login') throw new Error('fixture is a login');
      return { kind: 'login', event: { ...interpretation.event, key } };
    };
    for (const key of ['k1', 'k2', 'k3']) intake.take(withKey(key), 'beats', at);
    expect(intake.take(withKey('k3'), 'beats', at)).toBeNull();
    expect(intake.take(withKey('k1'), 'beats', at)).not.toBeNull();
    expect(intake).toMatchObject({ accepted: 4, duplicates: 1 });
  });

  it('remembers at least the latest half of its limit and at most the limit, at any count', () => {
    const intake = new LoginIntake({ rememberKeys: 10 });
    const withKey = (key: string): Interpretation => {
      const interpretation = sample();
      if (interpretation.kind !== 'login') throw new Error('fixture is a login');
      return { kind: 'login', event: { ...interpretation.event, key } };
    };
    for (let i = 0; i < 1000; i++) intake.take(withKey(`k${i}`), 'beats', at);
    for (let i = 995; i < 1000; i++) expect(intake.take(withKey(`k${i}`), 'beats', at)).toBeNull();
    expect(intake.take(withKey('k989'), 'beats', at)).not.toBeNull();
    expect(intake).toMatchObject({ accepted: 1001, duplicates: 5 });
  });

  it('refuses, counts and keeps an event from further in the future than the allowed drift', () => {
    const intake = new LoginIntake({ maxFutureMs: 60_000 });
    const occurredAt = new Date('2026-01-05T08:01:02.345Z');
    const ahead = (ms: number) => new Date(occurredAt.getTime() - ms);
    expect(intake.take(sample(), 'beats', ahead(61_000))).toBeNull();
    expect(intake.refused).toEqual({ 'from-the-future': 1 });
    expect(intake.keptUnknown()).toEqual([
      {
        reason: 'from-the-future',
        raw: fixtureText('winlogbeat/4624-interactive.json'),
        via: 'beats',
        at: ahead(61_000).toISOString(),
      },
    ]);
    // Within the drift it passes (and the refused copy did not use up its key).
    expect(intake.take(sample(), 'beats', ahead(59_000))).not.toBeNull();
  });
});
