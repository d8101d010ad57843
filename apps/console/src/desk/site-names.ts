import { useEffect, useState } from 'react';
import type { CardholderView, Door, Items, Zone } from '@gatehouse/api';
import { api } from '../api';
import { namedReader } from '../words';

/** What the desk shows instead of ids: doors with their zone, readers by their door, people by name. */
export interface SiteNames {
  door: (id: string | null) => string | null;
  zoneOf: (doorId: string) => Zone | null;
  /** A reader by its door and direction ("Front door entry reader"), as the journal names it. */
  reader: (readerId: string | null) => string | null;
  person: (id: string | null) => string | null;
  /** Whether the console may show this person's photo (the role sees photos and there is one). */
  photo: (id: string) => boolean;
  zones: Zone[];
}

/**
 * Reads the site's doors and zones (again after each reconnection), and the
 * names of the people alarms and the board's pushed deltas name (one read per
 * person, not the whole board again). `photos`: the role may see photos.
 */
export const useSiteNames = (generation: number, cardholderIds: string[], photos = false): SiteNames => {
  const [doors, setDoors] = useState<Door[]>([]);
  const [zones, setZones] = useState<Zone[]>([]);
  // null: not in the records, or this role may not read names: the screen says neither.
  const [people, setPeople] = useState<Record<string, { name: string | null; photo: boolean }>>({});
  useEffect(() => {
    void Promise.all([
      api.background<Items<Door>>('/api/v1/access/doors'),
      api.background<Items<Zone>>('/api/v1/access/zones'),
    ])
      .then(([d, z]) => {
        setDoors(d.items);
        setZones(z.items);
      })
      .catch(() => undefined);
  }, [generation]);
  const wanted = [...new Set(cardholderIds)].filter((id) => !(id in people)).join(',');
  useEffect(() => {
    for (const id of wanted ? wanted.split(',') : [])
      void api
        .background<CardholderView>(`/api/v1/access/cardholders/${encodeURIComponent(id)}`)
        .then((c) =>
          setPeople((p) => ({ ...p, [id]: { name: c.name ?? null, photo: photos && c.hasPhoto === true } })),
        )
        .catch(() => setPeople((p) => ({ ...p, [id]: { name: null, photo: false } })));
  }, [wanted, photos]);
  const doorById = new Map(doors.map((d) => [d.id, d]));
  const zoneById = new Map(zones.map((z) => [z.id, z]));
  return {
    zones,
    door: (id) => (id ? (doorById.get(id)?.name ?? id) : null),
    zoneOf: (doorId) => zoneById.get(doorById.get(doorId)?.zoneIn ?? '') ?? null,
    reader: (readerId) => {
      if (!readerId) return null;
      return namedReader(readerId, doors);
    },
    person: (id) => (id ? (people[id]?.name ?? null) : null),
    photo: (id) => people[id]?.photo ?? false,
  };
};
