import type { Door, PortStatus, ReaderStatus, SystemStatusView } from '@gatehouse/api';
import { componentRows } from './system-rows';

const door = (id: string, name: string, readers: { id: string; direction: 'entry' | 'exit' }[]) =>
  ({ id, name, readers }) as unknown as Door;
const reader = (id: string, port: string, online: boolean) =>
  ({
    id,
    port,
    address: 1,
    online,
    secureChannel: 'established',
    lastSeen: null,
    lastError: null,
  }) as ReaderStatus;
const port = (id: string, protocol: PortStatus['protocol'], state: PortStatus['state']) =>
  ({
    id,
    path: `/dev/${id}`,
    protocol,
    state,
    lastError: null,
    opens: 1,
    captureRecords: 0,
    counters: {},
  }) as PortStatus;

const status = (over: Partial<SystemStatusView>): SystemStatusView => ({
  status: 'ready',
  version: '1.2.3',
  site: { name: 'HQ', timeZone: 'Europe/Berlin' },
  startedAt: '2026-11-30T08:00:00Z',
  uptimeSeconds: 60,
  components: {
    storage: { status: 'up', since: '2026-11-30T08:00:00Z', detail: '/data/gatehouse.db' },
    journal: { status: 'up', since: '2026-11-30T08:00:00Z' },
    notifications: { status: 'degraded', detail: 'failing: Duty phone' },
  },
  readers: null,
  broker: null,
  journal: { open: true, entries: 1204, lastCheckpoint: null, uncheckpointedEntries: 4 },
  storage: { databaseBytes: 1, walBytes: 0, freeBytes: 1, totalBytes: 2 },
  ...over,
});

describe('the system page’s components', () => {
  it('names every component, and says readers, broker and bridge are not configured on a site without them', () => {
    const rows = componentRows(status({}), []);
    expect(rows.map((r) => [r.name, r.status])).toEqual([
      ['Readers', 'absent'],
      ['MQTT broker', 'absent'],
      ['Wiegand bridge', 'absent'],
      ['Storage (the database)', 'up'],
      ['Journal', 'up'],
      ['Alarm notifications', 'degraded'],
    ]);
    expect(rows.find((r) => r.key === 'journal')!.detail).toBe('1,204 entries');
  });

  it('names readers offline by their doors, the broker by its state, and each bridge line by its doors', () => {
    const doors = [
      door('front-door', 'Front door', [{ id: 'front-in', direction: 'entry' }]),
      door('dock', 'Loading dock', [{ id: 'dock-in', direction: 'entry' }]),
    ];
    const rows = componentRows(
      status({
        components: {
          readers: { status: 'degraded', since: '2026-11-30T09:00:00Z', detail: 'offline: dock-in' },
          journal: { status: 'up', since: '2026-11-30T08:00:00Z', sinceStart: true },
          mqtt: { status: 'degraded' },
        },
        readers: {
          readers: [reader('front-in', 'osdp-1', true), reader('dock-in', 'wiegand-1', false)],
          ports: [
            port('osdp-1', 'osdp', 'open'),
            { ...port('wiegand-1', 'bridge', 'closed'), since: '2026-11-30T09:02:00Z' },
          ],
        },
        broker: {
          status: 'degraded',
          state: 'reconnecting',
          since: '2026-11-30T09:01:00Z',
          lastError: 'ECONNREFUSED',
        },
      }),
      doors,
    );
    expect(rows[0]).toMatchObject({
      name: 'Readers',
      status: 'degraded',
      since: '2026-11-30T09:00:00Z',
      detail: '1 of 2 offline: Loading dock entry reader',
    });
    expect(rows[1]).toMatchObject({
      name: 'MQTT broker',
      status: 'degraded',
      detail: 'Connection lost, reconnecting. ECONNREFUSED',
    });
    // The bridge line's own time of its change (it said "—").
    expect(rows[2]).toMatchObject({
      name: 'Wiegand bridge (Line of Loading dock)',
      status: 'down',
      since: '2026-11-30T09:02:00Z',
    });
    expect(rows.find((r) => r.key === 'journal')).toMatchObject({ sinceStart: true });
    expect(rows.map((r) => r.detail).join(' ')).not.toMatch(/dock-in|wiegand-1|mqtt/);
  });
});
