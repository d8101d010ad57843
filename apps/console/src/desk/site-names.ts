import { useEffect, useState } from 'react';
import type { CardholderView, Door, Items, Zone } from '@gatehouse/api';
import { api } from '../api';

/** What the desk shows instead of ids: doors with their zone, readers by their door, people by name. */
export interface SiteNames {
  door: (id: string | null) => string | null;
  zoneOf: (doorId: string) => Zone | null;
  readerDoor: (readerId: string | null) => string | null;
  person: (id: string | null) => string | null;
  zones: Zone[];
}

/** Reads the site's doors and zones (again after each reconnection), and the names of the people alarms name. */
export const useSiteNames = (generation: number, cardholderIds: string[]): SiteNames => {
  const [doors, setDoors] = useState<Door[]>([]);
  const [zones, setZones] = useState<Zone[]>([]);
  const [people, setPeople] = useState<Record<string, string>>({});
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
  const wanted = cardholderIds.filter((id) => !(id in people)).join(',');
  useEffect(() => {
    for (const id of wanted ? wanted.split(',') : [])
      void api
        .background<CardholderView>(`/api/v1/access/cardholders/${encodeURIComponent(id)}`)
        .then((c) => setPeople((p) => ({ ...p, [id]: c.name ?? id })))
        .catch(() => setPeople((p) => ({ ...p, [id]: id })));
  }, [wanted]);
  const doorById = new Map(doors.map((d) => [d.id, d]));
  const zoneById = new Map(zones.map((z) => [z.id, z]));
  return {
    zones,
    door: (id) => (id ? (doorById.get(id)?.name ?? id) : null),
    zoneOf: (doorId) => zoneById.get(doorById.get(doorId)?.zoneIn ?? '') ?? null,
    readerDoor: (readerId) =>
      readerId ? (doors.find((d) => d.readers.some((r) => r.id === readerId))?.name ?? null) : null,
    person: (id) => (id ? (people[id] ?? null) : null),
  };
};
