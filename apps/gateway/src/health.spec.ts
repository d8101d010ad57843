import { type ComponentHealth, HealthRegistry } from './health';

describe('the health registry’s "since"', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-30T16:20:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('says "since start" until a status changes, then dates the change when it happened, not when asked', () => {
    const health = new HealthRegistry();
    let status: ComponentHealth['status'] = 'up';
    health.register('bridge', () => ({ status }));
    jest.advanceTimersByTime(60_000);
    expect(health.report().components.bridge).toEqual({
      status: 'up',
      since: '2026-11-30T16:20:00.000Z',
      sinceStart: true,
    });
    // Down at 16:21, nobody looks until 16:30: the change is dated 16:21 (sampled), not 16:30.
    status = 'down';
    jest.advanceTimersByTime(2000);
    jest.advanceTimersByTime(9 * 60_000);
    expect(health.report().components.bridge).toEqual({ status: 'down', since: '2026-11-30T16:21:02.000Z' });
    health.onModuleDestroy();
  });

  it('keeps the time a probe gives of its own state (the broker’s connection)', () => {
    const health = new HealthRegistry();
    health.register('mqtt', () => ({ status: 'up', since: '2026-11-30T15:00:00.000Z' }));
    jest.advanceTimersByTime(10_000);
    expect(health.report().components.mqtt!.since).toBe('2026-11-30T15:00:00.000Z');
    health.onModuleDestroy();
  });
});
