import { TypedEventBus } from './event-bus';

interface Events {
  ping: number;
}

describe('TypedEventBus', () => {
  it('isolates a throwing subscriber and counts the failure', () => {
    const errors: string[] = [];
    const bus = new TypedEventBus<Events>((event, owner, _error, payload) =>
      errors.push(`${event}/${owner}/${String(payload)}`),
    );
    const seen: number[] = [];
    bus.on('ping', 'bad', () => {
      throw new Error('boom');
    });
    bus.on('ping', 'good', (n) => seen.push(n));
    expect(() => bus.emit('ping', 7)).not.toThrow();
    expect(seen).toEqual([7]);
    // The sink learns the handler and what it was handling, so the failure can be kept as a dead letter.
    expect(errors).toEqual(['ping/bad/7']);
    expect(bus.failureCount).toBe(1);
  });

  it('holds an async subscriber to the same rule when its promise rejects', async () => {
    const errors: string[] = [];
    const bus = new TypedEventBus<Events>((event, owner, error, payload) =>
      errors.push(`${event}/${owner}/${(error as Error).message}/${String(payload)}`),
    );
    bus.on('ping', 'slow', async () => {
      await Promise.resolve();
      throw new Error('later');
    });
    bus.emit('ping', 3);
    expect(errors).toEqual([]);
    await new Promise((done) => setImmediate(done));
    expect(errors).toEqual(['ping/slow/later/3']);
    expect(bus.failureCount).toBe(1);
  });

  it('holds work nobody awaits to the same rule: a rejection is counted and reaches the sink', async () => {
    const errors: string[] = [];
    const bus = new TypedEventBus<Events>((event, owner, error, payload) =>
      errors.push(`${event}/${owner}/${(error as Error).message}/${JSON.stringify(payload)}`),
    );
    bus.track('door.forced', 'doors', Promise.resolve('committed'), { seq: 1 });
    bus.track('door.forced', 'doors', Promise.reject(new Error('journal closed')), { seq: 2 });
    await new Promise((done) => setImmediate(done));
    expect(errors).toEqual(['door.forced/doors/journal closed/{"seq":2}']);
    expect(bus.failureCount).toBe(1);
  });

  it('survives a sink that throws too', () => {
    const bus = new TypedEventBus<Events>(() => {
      throw new Error('sink down');
    });
    bus.on('ping', 'bad', () => {
      throw new Error('boom');
    });
    expect(() => bus.emit('ping', 1)).not.toThrow();
    expect(bus.failureCount).toBe(1);
  });

  it('keeps one listener per owner and unsubscribes', () => {
    const bus = new TypedEventBus<Events>();
    const seen: number[] = [];
    const off = bus.on('ping', 'a', (n) => seen.push(n));
    bus.on('ping', 'a', (n) => seen.push(n * 10));
    bus.emit('ping', 1);
    off();
    bus.emit('ping', 2);
    expect(seen).toEqual([10]);
    expect(bus.listenerCount('ping')).toBe(0);
  });
});
