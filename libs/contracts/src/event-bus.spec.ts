import { TypedEventBus } from './event-bus';

interface Events {
  ping: number;
}

describe('TypedEventBus', () => {
  it('isolates a throwing subscriber and counts the failure', () => {
    const errors: string[] = [];
    const bus = new TypedEventBus<Events>((event, owner) => errors.push(`${event}/${owner}`));
    const seen: number[] = [];
    bus.on('ping', 'bad', () => {
      throw new Error('boom');
    });
    bus.on('ping', 'good', (n) => seen.push(n));
    expect(() => bus.emit('ping', 7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(errors).toEqual(['ping/bad']);
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
