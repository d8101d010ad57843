import type { Actor, Clock, JournalEntry, JournalEntryInput } from '@gatehouse/contracts';
import type { Db } from '@gatehouse/storage';
import { hostKey, type WorkstationMap, type WorkstationPlace } from './identity';

/** A workstation placed on the console: a zone, or the remote class (a jump host, a VPN gateway). */
export interface PlacedWorkstation {
  host: string;
  zone: string | null;
  remote: boolean;
  /** Who placed it (the operator's name) and when. */
  setBy: string;
  setAt: string;
}

interface Row {
  host: string;
  zone: string | null;
  remote: number;
  set_by: string;
  set_at: number;
}

const placeOf = (row: Pick<Row, 'zone' | 'remote'>): WorkstationPlace => ({
  zone: row.zone,
  remote: row.remote === 1,
});

const view = (r: Row): PlacedWorkstation => ({
  host: r.host,
  zone: r.zone,
  remote: r.remote === 1,
  setBy: r.set_by,
  setAt: new Date(r.set_at).toISOString(),
});

const actorName = (actor: Actor): string => actor.name ?? actor.kind;

/**
 * The console's placings of workstations (table `workstation_places`), kept
 * in the identity map the logins and the gating read: each change journaled
 * (`workstation.placed`, `workstation.unplaced`, the operator's) with the row
 * written in the same commit, so the table never holds what the journal
 * does not say.
 */
export class WorkstationPlaces {
  constructor(
    private readonly db: Db,
    private readonly journal: {
      append(input: JournalEntryInput, effect?: () => void): Promise<JournalEntry>;
    },
    private readonly map: WorkstationMap,
    private readonly clock: Clock,
    /** Told each host placed or taken back, once it is in the map (the open sessions move). */
    private readonly onChange: (host: string) => void = () => undefined,
  ) {}

  /** Puts the stored placings in the map: once at the start, before any login is taken. */
  load(): number {
    const rows = this.rows();
    for (const r of rows) this.map.set(r.host, placeOf(r));
    return rows.length;
  }

  list(): PlacedWorkstation[] {
    return this.rows().map(view);
  }

  async place(
    host: string,
    place: { zone: string | null; remote: boolean },
    actor: Actor,
  ): Promise<PlacedWorkstation> {
    const key = hostKey(host);
    const before = this.row(key);
    const row: Row = {
      host: key,
      zone: place.zone,
      remote: place.remote ? 1 : 0,
      set_by: actorName(actor),
      set_at: this.clock.now().getTime(),
    };
    await this.journal.append(
      {
        type: 'workstation.placed',
        source: 'logins',
        actor,
        subjects: [
          { kind: 'workstation', id: key },
          ...(place.zone ? [{ kind: 'zone' as const, id: place.zone }] : []),
        ],
        payload: {
          host: key,
          zone: place.zone,
          remote: place.remote,
          before: before ? { zone: before.zone, remote: before.remote === 1 } : null,
        },
      },
      () =>
        this.db
          .prepare(
            'INSERT INTO workstation_places (host, zone, remote, set_by, set_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(host) DO UPDATE SET zone = excluded.zone, remote = excluded.remote, set_by = excluded.set_by, set_at = excluded.set_at',
          )
          .run(row.host, row.zone, row.remote, row.set_by, row.set_at),
    );
    this.map.set(key, placeOf(row));
    this.onChange(key);
    return view(row);
  }

  /** Takes a placing back; false when the console had not placed that host. */
  async unplace(host: string, actor: Actor): Promise<boolean> {
    const key = hostKey(host);
    const before = this.row(key);
    if (!before) return false;
    await this.journal.append(
      {
        type: 'workstation.unplaced',
        source: 'logins',
        actor,
        subjects: [{ kind: 'workstation', id: key }],
        payload: { host: key, before: { zone: before.zone, remote: before.remote === 1 } },
      },
      () => this.db.prepare('DELETE FROM workstation_places WHERE host = ?').run(key),
    );
    this.map.remove(key);
    this.onChange(key);
    return true;
  }

  private rows(): Row[] {
    return this.db.prepare('SELECT * FROM workstation_places ORDER BY host').all() as Row[];
  }

  private row(key: string): Row | undefined {
    return this.db.prepare('SELECT * FROM workstation_places WHERE host = ?').get(key) as Row | undefined;
  }
}
