import fc from 'fast-check';
import { referenceEngine } from '../test/whole-timeline-reference';
import { CorrelationEngine } from './engine';
import type { CorrelationEvent, SessionAction } from './events';
import { type CorrelationSettings, defaultSettings, RULES } from './settings';

/**
 * The incremental engine against the reference (every person rule over the
 * whole timeline after every fact): the same alerts raised, waiting and
 * withdrawn, step by step, over random facts of a few people delivered late,
 * early, twice and out of order, with the horizon forgetting and the
 * settings changing on the way.
 */
const T0 = Date.parse('2026-11-30T06:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const PEOPLE = ['ann', 'bob'];
const ZONES = ['z1', 'z2'];
const READERS = ['r1', 'r2', 'r3'];
const HOSTS = ['h1', 'h2', 'h3'];
const ACTIONS: SessionAction[] = ['logon', 'unlock', 'lock', 'logoff'];

/** Times on a coarse grid (ties included), a few seconds off it now and then: the skew's edges. */
const time = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 3 * 60 }),
      fc.integer({ min: 0, max: 20 * 60 }),
    ),
    fc.constantFrom(0, 0, 0, 10_000, 29_000, 31_000, 45_000),
  )
  .map(([m, s]) => T0 + m * MIN + s);

const badge = fc.record({
  kind: fc.constant('badge' as const),
  at: time,
  personId: fc.constantFrom(...PEOPLE),
  readerId: fc.constantFrom(...READERS),
  zone: fc.constantFrom<string | null>(...ZONES, null),
  fromZone: fc.constantFrom<string | null>(...ZONES, null),
});
const login = fc.record({
  kind: fc.constant('login' as const),
  at: time,
  action: fc.constantFrom(...ACTIONS),
  account: fc.constantFrom('acct:a', 'acct:b'),
  personId: fc.constantFrom<string | null>(...PEOPLE, ...PEOPLE, null),
  host: fc.constantFrom(...HOSTS),
  zone: fc.constantFrom<string | null>(...ZONES, null),
  acceptedZones: fc.option(fc.subarray(ZONES), { nil: undefined }),
  remote: fc.boolean(),
  sessionKey: fc.constantFrom('s1', 's2'),
});
const denial = fc.record({
  kind: fc.constant('denial' as const),
  at: time,
  personId: fc.constantFrom<string | null>(...PEOPLE, null),
  credentialKey: fc.constantFrom('H:1', 'H:2'),
  readerId: fc.constantFrom(...READERS),
  reason: fc.constant('unknown-card'),
});
const status = fc.record({
  kind: fc.constant('status' as const),
  at: time,
  personId: fc.constantFrom(...PEOPLE),
  leaver: fc.boolean(),
});

/** A fact, how late it arrives (negative: its source's clock runs ahead), and whether it comes twice. */
const delivery = fc.record({
  fact: fc.oneof(
    { arbitrary: badge, weight: 4 },
    { arbitrary: login, weight: 4 },
    { arbitrary: denial, weight: 1 },
    { arbitrary: status, weight: 1 },
  ),
  delay: fc.oneof(
    fc.integer({ min: 0, max: 3 * MIN }),
    fc.integer({ min: 0, max: 3 * HOUR }),
    fc.integer({ min: -10 * MIN, max: 0 }),
  ),
  twice: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

const settingsArb = fc.record({
  skew: fc.constantFrom(0, 30_000, 2 * MIN),
  graces: fc.array(fc.constantFrom(0, 3 * MIN, 20 * MIN), {
    minLength: RULES.length,
    maxLength: RULES.length,
  }),
  disabled: fc.subarray([...RULES], { maxLength: 2 }),
  remoteNeedsPresence: fc.boolean(),
  /** Short horizons forget facts while the rules still judge what came after them. */
  horizon: fc.constantFrom(20 * MIN, HOUR, 3 * HOUR, 36 * HOUR),
  /** Days of an hour or four (or midnight UTC): the day's start falls inside the facts. */
  day: fc.constantFrom(HOUR, 4 * HOUR, 24 * HOUR),
  burst: fc.constantFrom(2, 3),
});

type SettingsDraw = typeof settingsArb extends fc.Arbitrary<infer S> ? S : never;

const settingsOf = (x: SettingsDraw): CorrelationSettings =>
  defaultSettings({
    rules: Object.fromEntries(
      RULES.map((r, i) => [r, { enabled: !x.disabled.includes(r), severity: 'high', graceMs: x.graces[i]! }]),
    ) as CorrelationSettings['rules'],
    skewToleranceMs: x.skew,
    remoteNeedsPresence: x.remoteNeedsPresence,
    horizonMs: x.horizon,
    dayStart: (at) => at - (at % x.day),
    denialBurst: { count: x.burst, windowMs: 10 * MIN },
    walkingMs: (a, b) => (a === 'r1' && b === 'r2' ? 5 * MIN : a === 'r2' && b === 'r3' ? 2 * MIN : null),
  });
describe('the incremental engine against the whole-timeline reference (fast-check)', () => {
  it('raises, holds back and withdraws exactly the same alerts at every step', () => {
    fc.assert(
      fc.property(
        fc.array(delivery, { minLength: 1, maxLength: 70 }),
        settingsArb,
        fc.option(fc.tuple(fc.nat(), settingsArb), { nil: null }),
        fc.constantFrom(5 * MIN, 15 * MIN),
        (draws, first, change, tickEvery) => {
          let n = 0;
          const deliveries = draws.flatMap(({ fact, delay, twice }) => {
            const id = `f${++n}`;
            const f = { ...fact, id } as CorrelationEvent;
            if (f.kind === 'badge') Object.assign(f, { doorId: `door-${f.readerId}` });
            if (f.kind === 'denial') Object.assign(f, { doorId: null });
            if (f.kind === 'login') Object.assign(f, { source: 'test' });
            const arrives = f.at + delay;
            return twice
              ? [
                  { f, arrives },
                  { f: { ...f }, arrives: arrives + 7 * MIN },
                ]
              : [{ f, arrives }];
          });
          deliveries.sort((a, b) => a.arrives - b.arrives);
          const s = settingsOf(first);
          const engine = new CorrelationEngine(s);
          const reference = referenceEngine(s);
          let nextTick = T0 - HOUR;
          deliveries.forEach(({ f, arrives }, i) => {
            if (change && change[0] % deliveries.length === i) {
              const next = settingsOf(change[1]);
              engine.configure(next);
              reference.configure(next);
            }
            while (nextTick <= arrives) {
              expect(engine.tick(nextTick)).toEqual(reference.tick(nextTick));
              nextTick += tickEvery;
            }
            expect(engine.observe(f, arrives)).toEqual(reference.observe(f, arrives));
            expect(engine.waiting()).toEqual(reference.waiting());
            expect(engine.open()).toEqual(reference.open());
          });
          const end = nextTick + 2 * HOUR;
          expect(engine.tick(end)).toEqual(reference.tick(end));
          expect(engine.open()).toEqual(reference.open());
          expect(engine.counters).toEqual(reference.counters);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('forgets a pass the impossible travel rests on as the reference does: the horizon ends it', () => {
    const s = defaultSettings({
      horizonMs: 20 * MIN,
      walkingMs: (a, b) => (a === 'r1' && b === 'r2' ? 5 * MIN : null),
    });
    const pass = (id: string, at: number, readerId: string): CorrelationEvent => ({
      kind: 'badge',
      id,
      at,
      personId: 'ann',
      doorId: `door-${readerId}`,
      readerId,
      zone: 'z1',
      fromZone: null,
    });
    const engine = new CorrelationEngine(s);
    const reference = referenceEngine(s);
    const steps: [CorrelationEvent | null, number][] = [
      [pass('a', T0, 'r1'), T0],
      [pass('b', T0 + MIN, 'r2'), T0 + MIN],
      // The horizon forgets the first pass, not the second...
      [null, T0 + 20 * MIN + 30_000],
      // ...and the person's next fact judges the second again.
      [pass('c', T0 + 21 * MIN, 'r2'), T0 + 21 * MIN],
    ];
    const outcomes = steps.map(([f, now]) => {
      const o = f ? engine.observe(f, now) : engine.tick(now);
      expect(o).toEqual(f ? reference.observe(f, now) : reference.tick(now));
      return o;
    });
    expect(outcomes[1]!.raised.map((a) => a.rule)).toEqual(['impossible-travel']);
    expect(engine.open()).toEqual(reference.open());
  });

  it("judges the exits again when forgetting a session's first fact changes what the session is (remote, then on site)", () => {
    const s = defaultSettings({ horizonMs: 20 * MIN });
    const session = (id: string, at: number, action: SessionAction, remote: boolean): CorrelationEvent => ({
      kind: 'login',
      id,
      at,
      action,
      account: 'acct:a',
      personId: 'ann',
      host: 'h1',
      zone: 'z1',
      remote,
      sessionKey: 's1',
      source: 'test',
    });
    const pass = (id: string, at: number, into: string | null, from: string | null): CorrelationEvent => ({
      kind: 'badge',
      id,
      at,
      personId: 'ann',
      doorId: 'door-r1',
      readerId: 'r1',
      zone: into,
      fromZone: from,
    });
    const engine = new CorrelationEngine(s);
    const reference = referenceEngine(s);
    const steps: [CorrelationEvent | null, number][] = [
      [session('logon', T0, 'logon', true), T0],
      [pass('in', T0 + 9 * MIN, 'z1', null), T0 + 9 * MIN],
      [session('unlock', T0 + 10 * MIN, 'unlock', false), T0 + 10 * MIN],
      [pass('out', T0 + 15 * MIN, null, 'z1'), T0 + 15 * MIN],
      // The horizon forgets the remote logon: the session's first fact is now on site...
      [null, T0 + 20 * MIN + 30_000],
      // ...and the person's next fact judges the exit again.
      [pass('back', T0 + 21 * MIN, 'z1', null), T0 + 21 * MIN],
    ];
    const outcomes = steps.map(([f, now]) => {
      const o = f ? engine.observe(f, now) : engine.tick(now);
      expect(o).toEqual(f ? reference.observe(f, now) : reference.tick(now));
      expect(engine.waiting()).toEqual(reference.waiting());
      return o;
    });
    // Its grace from the exit has passed: raised at once.
    expect(outcomes.at(-1)!.raised.map((a) => [a.rule, a.evidence.map((f) => f.id)])).toEqual([
      ['session-after-badge-out', ['in', 'unlock', 'out']],
    ]);
  });
});
