import fc from 'fast-check';
import { DEFAULT_DOOR_TIMING, DoorMachine, type DoorInput, type DoorOutput } from './door-machine';

const make = () => new DoorMachine({ id: 'front', ...DEFAULT_DOOR_TIMING });
/** Feeds inputs and ticks at each input's time and at the given extra times; returns everything that came out. */
const run = (m: DoorMachine, inputs: DoorInput[], until: number): DoorOutput[] => {
  const out: DoorOutput[] = [];
  for (const i of inputs) {
    out.push(...m.tick(i.at), ...m.feed(i));
  }
  for (let t = inputs.length ? inputs[inputs.length - 1]!.at : 0; t <= until; t += 50) out.push(...m.tick(t));
  return out;
};
const alarms = (out: DoorOutput[]) =>
  out.filter((o) => o.kind === 'alarm').map((o) => (o as { type: string }).type);
const phases = (out: DoorOutput[]) =>
  out.filter((o) => o.kind === 'state').map((o) => (o as { phase: string }).phase);

describe('door state machine', () => {
  const settle = (m: DoorMachine) => run(m, [{ kind: 'contact', open: false, at: 0 }], 500);

  it('a grant, an opening and a closing: unlocked, open, secure, no alarm', () => {
    const m = make();
    settle(m);
    const out = run(
      m,
      [
        { kind: 'grant', at: 1000 },
        { kind: 'contact', open: true, at: 2000 },
        { kind: 'contact', open: false, at: 6000 },
      ],
      8000,
    );
    expect(phases(out)).toEqual(['unlocked', 'open', 'secure']);
    expect(alarms(out)).toEqual([]);
  });

  it('an opening with no grant and no request to exit is forced, cleared when it closes', () => {
    const m = make();
    settle(m);
    const out = run(
      m,
      [
        { kind: 'contact', open: true, at: 1000 },
        { kind: 'contact', open: false, at: 3000 },
      ],
      4000,
    );
    expect(alarms(out)).toEqual(['forced-open']);
    expect(out).toContainEqual({ kind: 'clear', door: 'front', type: 'forced-open', at: 3000 });
    expect(m.state).toMatchObject({ phase: 'secure', alarms: [] });
  });

  it('a forced door left open has no deadline that is always due (its timer would spin)', () => {
    const m = make();
    settle(m);
    run(m, [{ kind: 'contact', open: true, at: 1000 }], 60_000);
    expect(m.state.phase).toBe('forced');
    expect(m.nextDue()).toBeNull();
  });

  it('once ticked at its next deadline, a door has no deadline at or before it (property)', () => {
    const input = fc.oneof(
      fc.record({ kind: fc.constant('contact' as const), open: fc.boolean(), gap: fc.nat(40_000) }),
      fc.record({ kind: fc.constant('grant' as const), gap: fc.nat(40_000) }),
      fc.record({ kind: fc.constant('rex' as const), gap: fc.nat(40_000) }),
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 12 }), (steps) => {
        const m = make();
        let t = 0;
        for (const s of steps) {
          t += s.gap;
          m.tick(t);
          m.feed(s.kind === 'contact' ? { kind: 'contact', open: s.open, at: t } : { kind: s.kind, at: t });
          // What the doors service does: tick at each deadline until none is left.
          for (let due = m.nextDue(), n = 0; due !== null; due = m.nextDue(), n++) {
            const at = Math.max(t, due);
            m.tick(at);
            const next = m.nextDue();
            if (next !== null && next <= at) return false;
            if (n > 20) return false;
          }
        }
        return true;
      }),
    );
  });

  it('a request to exit masks the forced alarm; an opening after the unlock time ran out does not', () => {
    const m = make();
    settle(m);
    expect(
      alarms(
        run(
          m,
          [
            { kind: 'rex', at: 1000 },
            { kind: 'contact', open: true, at: 1500 },
            { kind: 'contact', open: false, at: 3000 },
          ],
          3500,
        ),
      ),
    ).toEqual([]);
    const late = run(
      m,
      [
        { kind: 'grant', at: 10_000 },
        { kind: 'contact', open: true, at: 16_000 },
      ],
      16_500,
    );
    expect(late).toContainEqual(
      expect.objectContaining({
        kind: 'alarm',
        type: 'forced-open',
        detail: 'opened after the unlock time ran out',
      }),
    );
  });

  it('held open: the warning before the held time, the alarm at it (timed from the opening), cleared on closing', () => {
    const m = make();
    settle(m);
    const out = run(
      m,
      [
        { kind: 'grant', at: 1000 },
        { kind: 'contact', open: true, at: 2000 },
      ],
      33_000,
    );
    const raised = out.filter((o) => o.kind === 'alarm');
    expect(raised).toEqual([
      { kind: 'alarm', door: 'front', type: 'held-open-warning', at: 2000 + 25_000 },
      expect.objectContaining({ type: 'held-open', at: 2000 + 30_000 }),
    ]);
    expect(m.nextDue()).toBeNull();
    const closed = run(m, [{ kind: 'contact', open: false, at: 40_000 }], 41_000);
    expect(
      closed
        .filter((o) => o.kind === 'clear')
        .map((o) => (o as { type: string }).type)
        .sort(),
    ).toEqual(['held-open', 'held-open-warning']);
  });

  it('debounces contact bounces: a flicker shorter than the debounce time changes nothing, and is kept as a bounce', () => {
    const m = make();
    settle(m);
    const out = run(
      m,
      [
        { kind: 'contact', open: true, at: 1000 },
        { kind: 'contact', open: false, at: 1080 },
        { kind: 'contact', open: true, at: 1150 },
        { kind: 'contact', open: false, at: 1200 },
      ],
      3000,
    );
    expect(out).toEqual([
      { kind: 'bounce', door: 'front', open: true, at: 1000, back: 1080 },
      { kind: 'bounce', door: 'front', open: true, at: 1150, back: 1200 },
    ]);
    expect(m.state.phase).toBe('secure');
  });

  it('a pair delivered late together is judged by its own times, not taken for a bounce', () => {
    const m = make();
    settle(m);
    // Both arrive at 60 s; by the device's clock the door was open from 5 s to 7 s, with no grant.
    const out = [
      ...m.feed({ kind: 'contact', open: true, at: 5000, arrivedAt: 60_000 }),
      ...m.feed({ kind: 'contact', open: false, at: 7000, arrivedAt: 60_001 }),
      ...m.tick(60_300),
    ];
    expect(out.filter((o) => o.kind === 'bounce')).toEqual([]);
    expect(out).toContainEqual(expect.objectContaining({ kind: 'alarm', type: 'forced-open', at: 5000 }));
    expect(out).toContainEqual({ kind: 'clear', door: 'front', type: 'forced-open', at: 7000 });
    expect(m.state.phase).toBe('secure');
    // A longer burst, two minutes late, after an exit request: each opening lasted 1 s by the
    // device's clock, so none was forced and none held open.
    m.feed({ kind: 'rex', at: 9500 });
    const burst = [0, 1, 2, 3, 4, 5].flatMap((i) => [
      ...m.tick(120_000 + i),
      ...m.feed({ kind: 'contact', open: i % 2 === 0, at: 10_000 + i * 1000, arrivedAt: 120_000 + i }),
    ]);
    expect(alarms([...burst, ...m.tick(121_000)])).toEqual([]);
    expect(phases(burst)).toEqual(['open', 'secure', 'open', 'secure', 'open']);
  });

  it('a late opening is judged against the grants and exit requests of its own time, not the latest', () => {
    const m = make();
    settle(m);
    m.feed({ kind: 'grant', at: 10_000 });
    m.feed({ kind: 'rex', at: 30_000 });
    m.feed({ kind: 'grant', at: 50_000 });
    const judged = (open: number) => [
      ...m.feed({ kind: 'contact', open: true, at: open, arrivedAt: 60_000 }),
      ...m.feed({ kind: 'contact', open: false, at: open + 1000, arrivedAt: 60_000 }),
      ...m.tick(60_300),
    ];
    expect(alarms(judged(12_000))).toEqual([]); // inside the first grant
    expect(alarms(judged(33_000))).toEqual([]); // within the exit request's window
    expect(alarms(judged(45_000))).toEqual(['forced-open']); // 5 s after the exit window, before the second grant
  });

  it('an unjudged reading (retained, or late with no time of its own) is taken as state, never as forced', () => {
    const m = make();
    settle(m);
    const out = [
      ...m.feed({ kind: 'contact', open: true, at: 1000, unjudged: true }),
      ...m.feed({ kind: 'contact', open: false, at: 1001, unjudged: true }),
      ...m.tick(2000),
    ];
    expect(alarms(out)).toEqual([]);
    expect(phases(out)).toEqual(['open', 'secure']);
  });

  it('a live opening as the very first reading is evaluated like any other', () => {
    const m = make();
    expect(alarms(run(m, [{ kind: 'contact', open: true, at: 0 }], 500))).toEqual(['forced-open']);
  });

  it('a lockdown relocks a door a card unlocked a moment before at once, and an opening after it is forced', () => {
    const m = make();
    settle(m);
    const granted = run(m, [{ kind: 'grant', at: 1000 }], 1000);
    expect(phases(granted)).toEqual(['unlocked']);
    // 1 s into a 5 s unlock: secure now, not at 6000.
    const locked = m.feed({ kind: 'mode', unlocked: false, relock: true, at: 2000 });
    expect(phases(locked)).toEqual(['secure']);
    expect(m.state.phase).toBe('secure');
    expect(alarms(run(m, [{ kind: 'contact', open: true, at: 3000 }], 3500))).toEqual(['forced-open']);
    // A mode that does not relock (a guard's "locked") leaves a running unlock to its time.
    const other = make();
    settle(other);
    run(other, [{ kind: 'grant', at: 1000 }], 1000);
    expect(phases(other.feed({ kind: 'mode', unlocked: false, at: 2000 }))).toEqual([]);
  });

  it('a door with no contact data never reads secure: a lockdown, its release and a grant leave its state unknown', () => {
    const m = make();
    // No sensor ever reported: a lockdown relocks the lock, but nobody knows the door is shut.
    const out = [
      ...m.feed({ kind: 'mode', unlocked: false, relock: true, at: 1000 }),
      ...m.feed({ kind: 'mode', unlocked: false, at: 2000 }),
      ...run(m, [{ kind: 'grant', at: 3000 }], 9000),
      ...m.feed({ kind: 'mode', unlocked: true, at: 10_000 }),
      ...m.feed({ kind: 'mode', unlocked: false, relock: true, at: 11_000 }),
    ];
    // Only a released lock shows (the grant, the unlocked mode); every state change carries the contact as unknown.
    expect(phases(out)).toEqual(['unlocked', 'unknown', 'unlocked', 'unknown']);
    expect(out.filter((o) => o.kind === 'state').every((o) => (o as { open: unknown }).open === null)).toBe(
      true,
    );
    expect(m.state).toMatchObject({ phase: 'unknown', open: null });
    expect(m.nextDue()).toBeNull();
    // An unlocked mode on such a door reads unlocked, with no timer due (it ends by its own input).
    const moded = make();
    expect(phases(moded.feed({ kind: 'mode', unlocked: true, at: 1000 }))).toEqual(['unlocked']);
    expect(moded.nextDue()).toBeNull();
    expect(phases(moded.tick(60_000))).toEqual([]);
  });

  it('an unlocked mode: no forced or held alarms, closed-unlocked when shut', () => {
    const m = make();
    settle(m);
    const out = run(
      m,
      [
        { kind: 'mode', unlocked: true, at: 1000 },
        { kind: 'contact', open: true, at: 2000 },
      ],
      60_000,
    );
    expect(alarms(out)).toEqual([]);
    expect(phases(run(m, [{ kind: 'contact', open: false, at: 61_000 }], 62_000))).toEqual([
      'closed-unlocked',
    ]);
  });

  it('a lock reporting itself unlocked on a closed door is not secure until it locks again', () => {
    const m = make();
    settle(m);
    expect(phases(run(m, [{ kind: 'lock', locked: false, at: 1000 }], 1500))).toEqual(['closed-unlocked']);
    expect(phases(run(m, [{ kind: 'lock', locked: true, at: 2000 }], 2500))).toEqual(['secure']);
  });

  it('tailgating: more people through than grants in one open cycle', () => {
    const m = make();
    settle(m);
    const out = run(
      m,
      [
        { kind: 'grant', at: 1000 },
        { kind: 'contact', open: true, at: 1500 },
        { kind: 'passage', count: 1, at: 2000 },
        { kind: 'passage', count: 1, at: 2500 },
      ],
      3000,
    );
    expect(out).toContainEqual(
      expect.objectContaining({ type: 'tailgating', detail: '2 people through on 1 grant(s)' }),
    );
  });

  it('never raises the same alarm twice without a clear, whatever the inputs (fast-check)', () => {
    const input = fc.oneof(
      fc.record({ kind: fc.constant('contact' as const), open: fc.boolean() }),
      fc.record({ kind: fc.constant('grant' as const) }),
      fc.record({ kind: fc.constant('rex' as const) }),
      fc.record({ kind: fc.constant('mode' as const), unlocked: fc.boolean() }),
      fc.record({ kind: fc.constant('passage' as const), count: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('lock' as const), locked: fc.boolean() }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(input, fc.integer({ min: 0, max: 20_000 })), { maxLength: 60 }),
        (steps) => {
          const m = make();
          let t = 0;
          const active = new Set<string>();
          const check = (outs: DoorOutput[]) => {
            for (const o of outs) {
              if (o.kind === 'alarm') {
                expect(active.has(o.type)).toBe(false);
                active.add(o.type);
              } else if (o.kind === 'clear') {
                expect(active.has(o.type)).toBe(true);
                active.delete(o.type);
              }
            }
          };
          for (const [i, dt] of steps) {
            t += dt;
            check(m.tick(t));
            check(m.feed({ ...i, at: t } as DoorInput));
          }
          check(m.tick(t + 100_000));
          expect([...active].sort()).toEqual([...m.state.alarms].sort());
        },
      ),
      { numRuns: 1000 },
    );
  });
});
