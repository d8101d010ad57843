import type { BrokerView, Door, SystemStatusView } from '@gatehouse/api';
import { componentWords, countersInWords, lineName, PORT_STATE_WORDS, readerName } from '../words';

/** A row of the system page's components: every part of the gateway by its name, its state and since when. */
export interface ComponentRow {
  key: string;
  name: string;
  /** `absent`: the site has none configured (no serial readers, no broker, no bridge). */
  status: 'up' | 'degraded' | 'down' | 'absent';
  since: string | null;
  /** Unchanged since the gateway started: `since` is the start, said so ("since start at 16:20"). */
  sinceStart?: boolean;
  detail: string;
}

export const BROKER_STATE_WORDS: Record<BrokerView['state'], string> = {
  connecting: 'Connecting',
  connected: 'Connected',
  reconnecting: 'Connection lost, reconnecting',
  refused: 'Refused by the broker (check its user name and password)',
  closed: 'Closed',
};

const PORT_HEALTH: Record<string, ComponentRow['status']> = {
  open: 'up',
  opening: 'degraded',
  closed: 'down',
  stopped: 'down',
};

const joined = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join('. ');

/** The readers in one row: how many are online, and those offline by name. */
const readersRow = (s: SystemStatusView, doors: readonly Door[]): ComponentRow => {
  const health = s.components.readers;
  if (!s.readers || s.readers.readers.length === 0)
    return {
      key: 'readers',
      name: 'Readers',
      status: 'absent',
      since: null,
      detail: 'No serial readers are configured.',
    };
  const all = s.readers.readers;
  const offline = all.filter((r) => !r.online);
  const unknownDoors = Array.isArray(health?.unknownDoors) ? health.unknownDoors.length : 0;
  return {
    key: 'readers',
    name: 'Readers',
    status: health?.status ?? (offline.length > 0 ? 'degraded' : 'up'),
    since: health?.since ?? null,
    sinceStart: health?.sinceStart === true,
    detail: joined(
      offline.length === 0
        ? `All ${all.length} online`
        : `${offline.length} of ${all.length} offline: ${offline.map((r) => readerName(r.id, doors)).join('; ')}`,
      unknownDoors > 0
        ? `${unknownDoors} relay(s) or input(s) wired to doors the site does not have (see the Readers page)`
        : null,
    ),
  };
};

const brokerRow = (s: SystemStatusView): ComponentRow =>
  s.broker
    ? {
        key: 'mqtt',
        name: componentWords('mqtt'),
        status: s.broker.status,
        since: s.broker.since,
        detail: joined(BROKER_STATE_WORDS[s.broker.state], s.broker.lastError),
      }
    : {
        key: 'mqtt',
        name: componentWords('mqtt'),
        status: 'absent',
        since: null,
        detail: 'The site has no MQTT broker configured.',
      };

/** One row per Wiegand bridge line, by the doors it serves. */
const bridgeRows = (s: SystemStatusView, doors: readonly Door[]): ComponentRow[] => {
  const bridges = (s.readers?.ports ?? []).filter((p) => p.protocol === 'bridge');
  if (bridges.length === 0)
    return [
      {
        key: 'bridge',
        name: 'Wiegand bridge',
        status: 'absent',
        since: null,
        detail: 'No Wiegand bridge is configured.',
      },
    ];
  return bridges.map((p) => {
    const counted = countersInWords(p.counters);
    return {
      key: `bridge-${p.id}`,
      name: `Wiegand bridge (${lineName(p.id, s.readers?.readers ?? [], doors)})`,
      status: PORT_HEALTH[p.state] ?? 'down',
      since: p.since ?? null,
      detail: joined(PORT_STATE_WORDS[p.state], p.lastError, counted === '—' ? null : counted),
    };
  });
};

/** Shown first, in this order, whether or not the site has them; then every other component by name. */
const FIRST = new Set(['readers', 'mqtt', 'storage', 'journal']);

/**
 * Every component of the gateway as the system page lists it: readers, the
 * MQTT broker and each Wiegand bridge first (said "not configured" when the site
 * has none), then storage, the journal and the rest, by name, never by the
 * code the health registry files them under.
 */
export const componentRows = (s: SystemStatusView, doors: readonly Door[]): ComponentRow[] => {
  const of = (key: string): ComponentRow[] => {
    const c = s.components[key];
    return c
      ? [
          {
            key,
            name: componentWords(key),
            status: c.status,
            since: c.since ?? null,
            sinceStart: c.sinceStart === true,
            detail: c.detail ?? '',
          },
        ]
      : [];
  };
  const journal = of('journal').map((r) => ({
    ...r,
    detail: joined(`${s.journal.entries.toLocaleString('en-GB')} entries`, r.detail),
  }));
  const rest = Object.keys(s.components)
    .filter((k) => !FIRST.has(k))
    .flatMap(of)
    .sort((a, b) => a.name.localeCompare(b.name));
  return [readersRow(s, doors), brokerRow(s), ...bridgeRows(s, doors), ...of('storage'), ...journal, ...rest];
};
