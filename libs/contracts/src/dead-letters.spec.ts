import { ManualClock } from './clock';
import { deadLetteringBus, DeadLetterLimiter, handlerFailure } from './dead-letters';
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

  it("the process's bus logs a failing handler and sends it on as a dead letter, bounded per handler", async () => {
    const clock = new ManualClock();
    const logged: string[] = [];
    const bus = deadLetteringBus(clock, (level, message, detail) =>
      logged.push(`${level} ${message} ${String(detail.event)}/${String(detail.owner)}`),
    );
    const letters: DeadLetter[] = [];
    bus.on('device.dead-letter', 'test', (d) => void letters.push(d));
    bus.on('door.command', 'actuators', () => Promise.reject(new Error('broker not connected')));
    for (let i = 0; i < 8; i++)
      bus.emit('door.command', { doorId: 'front', action: 'pulse', reason: 'test' });
    await new Promise((done) => setImmediate(done));
    expect(logged).toHaveLength(8);
    expect(logged[0]).toBe('error event subscriber failed door.command/actuators');
    expect(letters.map((d) => d.origin)).toEqual(Array(5).fill('door.command/actuators'));
    expect(letters[0]).toMatchObject({
      source: 'event-bus',
      reason: 'handler actuators of door.command failed: broker not connected',
      at: clock.now().getTime(),
    });
    clock.advance(60_000);
    expect(letters[5]).toMatchObject({ suppressed: 3 });
    expect(bus.failureCount).toBe(8);
  });

  it('a failing dead-letter listener is only logged, never sent round again', () => {
    const clock = new ManualClock();
    const logged: string[] = [];
    const bus = deadLetteringBus(clock, (_level, message, detail) =>
      logged.push(`${message} ${String(detail.event)}`),
    );
    let seen = 0;
    bus.on('device.dead-letter', 'journal', () => {
      seen += 1;
      throw new Error('journal closed');
    });
    bus.emit('device.dead-letter', letter(1));
    clock.advance(60_000);
    expect(seen).toBe(1);
    expect(logged).toEqual(['event subscriber failed device.dead-letter']);
    expect(clock.pendingTimers).toBe(0);
  });
});
