import { ManualClock } from './clock';
import { DeadLetterLimiter, handlerFailure } from './dead-letters';
import { TypedEventBus } from './event-bus';
import type { DeadLetter } from './sensors';

const letter = (n: number): DeadLetter => ({
  source: 'mqtt',
  origin: 'zigbee2mqtt/front',
  reason: `bad ${n}`,
  raw: Buffer.from(`payload ${n}`).toString('base64'),
  bytes: 9,
  at: n,
});

describe('DeadLetterLimiter', () => {
  it('keeps the first letters of a device whole, then counts, and summarises when the window ends', () => {
    const clock = new ManualClock();
    const out: DeadLetter[] = [];
    const limiter = new DeadLetterLimiter(clock, (d) => out.push(d), { keep: 3, windowMs: 60_000 });
    for (let i = 0; i < 5000; i++) limiter.offer('front', letter(i));
    limiter.offer('back', letter(-1));
    expect(out.map((d) => d.reason)).toEqual(['bad 0', 'bad 1', 'bad 2', 'bad -1']);
    expect(limiter.suppressed).toBe(4997);
    clock.advance(60_000);
    expect(out).toHaveLength(5);
    expect(out[4]).toMatchObject({
      reason: '4997 more refused from front in 60 s beyond the first 3; the last: bad 4999',
      raw: Buffer.from('payload 4999').toString('base64'),
      suppressed: 4997,
    });
    // A new window keeps whole letters again.
    limiter.offer('front', letter(7));
    expect(out[5]!.reason).toBe('bad 7');
    expect(clock.pendingTimers).toBe(0);
  });

  it('flushes pending summaries at shutdown, so nothing counted goes unreported', () => {
    const clock = new ManualClock();
    const out: DeadLetter[] = [];
    const limiter = new DeadLetterLimiter(clock, (d) => out.push(d), { keep: 1, windowMs: 1000 });
    limiter.offer('port', letter(1));
    limiter.offer('port', letter(2));
    limiter.flushAll();
    expect(out.map((d) => d.suppressed ?? 0)).toEqual([0, 1]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a throwing event handler becomes a bounded dead letter naming it, with what it was handling', () => {
    const clock = new ManualClock();
    const out: DeadLetter[] = [];
    const limiter = new DeadLetterLimiter(clock, (d) => out.push(d), { keep: 2, windowMs: 1000 });
    const bus = new TypedEventBus<{ reading: { ts: number } }>((event, owner, error, payload) =>
      limiter.offer(`${event}/${owner}`, handlerFailure(event, owner, error, payload, 0)),
    );
    bus.on('reading', 'doors', (r) => {
      throw new RangeError(`Invalid time value ${r.ts}`);
    });
    for (let i = 0; i < 1000; i++) bus.emit('reading', { ts: 1e308 });
    clock.advance(1000);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({
      source: 'event-bus',
      origin: 'reading/doors',
      reason: 'handler doors of reading failed: Invalid time value 1e+308',
      raw: Buffer.from('{"ts":1e+308}').toString('base64'),
    });
    expect(out[2]!.suppressed).toBe(998);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => handlerFailure('e', 'o', 'not an error', cyclic, 0)).not.toThrow();
  });
});
