import { useState } from 'react';
import type { BoardDoor } from '@gatehouse/api';
import { EmptyNote } from '../components/NotYetRead';
import { formatTimeOfDay } from '../format';
import { useLive } from '../shell/live';
import { useCan } from '../shell/permissions';
import { DoorDetail } from './DoorDetail';
import { DoorTile } from './DoorTile';
import { needsAttention } from './labels';
import type { SiteOverride } from './lockdown';
import type { SiteNames } from './site-names';
import { useNow, useStored } from './useStored';

/** The door filter's id: the desk's "/" shortcut focuses it. */
export const DOOR_FILTER_ID = 'door-filter';

/** 'auto': normal tiles up to NORMAL_MAX doors shown, compact above (the operator's own choice overrides it). */
const DENSITY = ['auto', 'normal', 'compact'] as const;
/** The most normal tiles that fit one 1920x1080 screen beside the alarm column (test/e2e/console-desk-more). */
export const NORMAL_MAX = 40;
const SHOW = ['all', 'attention'] as const;

/** "Doors now": every door as a tile, filtered by zone and by whether it needs attention, normal or compact. */
export const DoorBoard = ({
  doors,
  read,
  names,
  override,
  unlock,
}: {
  doors: BoardDoor[];
  /** The board answered once (before, "Loading…"). */
  read: boolean;
  names: SiteNames;
  override: SiteOverride | null;
  unlock: ((d: BoardDoor) => void) | null;
}) => {
  // While the board is stale (stream down, session ended), ages stop where the board last knew them.
  const now = useNow();
  const stale = useLive().status !== 'live';
  const [find, setFind] = useState('');
  const can = useCan();
  /** The door whose detail is open: the board's own record, so the detail stays live. */
  const [opened, setOpened] = useState<string | null>(null);
  const openedDoor = doors.find((d) => d.doorId === opened) ?? null;
  const [density, setDensity] = useStored('gatehouse.desk.density', 'auto', DENSITY);
  const [show, setShow] = useStored('gatehouse.desk.show', 'all', SHOW);
  const [zone, setZone] = useStored('gatehouse.desk.zone', '', ['', ...names.zones.map((z) => z.id)]);
  const needle = find.trim().toLowerCase();
  const shown = doors.filter(
    (d) =>
      (show === 'all' || needsAttention(d)) &&
      (zone === '' || names.zoneOf(d.doorId)?.id === zone) &&
      (needle === '' || d.name.toLowerCase().includes(needle)),
  );
  // Above NORMAL_MAX doors normal tiles no longer fit a 1080p screen: compact unless the operator chose.
  const autoCompact = density === 'auto' && shown.length > NORMAL_MAX;
  const compact = density === 'compact' || autoCompact;
  return (
    <>
      <div className="board-filters" role="group" aria-label="Board filters">
        <label>
          Find door
          <input
            id={DOOR_FILTER_ID}
            type="search"
            value={find}
            onChange={(e) => setFind(e.target.value)}
            placeholder="name"
            title="Find a door by name (/)"
            size={12}
          />
        </label>
        <label>
          Zone
          <select value={zone} onChange={(e) => setZone(e.target.value)}>
            <option value="">All zones</option>
            {names.zones.map((z) => (
              <option key={z.id} value={z.id}>
                {z.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Show
          <select value={show} onChange={(e) => setShow(e.target.value as (typeof SHOW)[number])}>
            <option value="all">Every door</option>
            <option value="attention">Needs attention</option>
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={compact}
            onChange={(e) => setDensity(e.target.checked ? 'compact' : 'normal')}
          />
          Compact tiles
          {autoCompact && (
            <span className="hint" data-testid="auto-compact">
              {' '}
              (automatic above {NORMAL_MAX} doors)
            </span>
          )}
        </label>
        <span className="hint" data-testid="board-count">
          {shown.length} of {doors.length} doors
          {stale && read && ` · as of ${formatTimeOfDay(now)}, not live`}
        </span>
      </div>
      <div
        className={`board ${compact ? 'compact' : 'normal'}`}
        data-testid="door-board"
        data-density={autoCompact ? 'compact-auto' : compact ? 'compact' : 'normal'}
      >
        {shown.map((d) => (
          <DoorTile
            key={d.doorId}
            door={d}
            zone={names.zoneOf(d.doorId)?.name ?? null}
            now={now}
            override={override}
            onUnlock={unlock ? () => unlock(d) : null}
            onOpen={() => setOpened(d.doorId)}
            names={names}
          />
        ))}
        {shown.length === 0 && <EmptyNote read={read}>No door matches these filters.</EmptyNote>}
      </div>
      {openedDoor && (
        <DoorDetail
          door={openedDoor}
          zone={names.zoneOf(openedDoor.doorId)?.name ?? null}
          now={now}
          override={override}
          canSearch={can('journal.search')}
          onClose={() => {
            const id = openedDoor.doorId;
            setOpened(null);
            // Back to the tile it was opened from: a keyboard user goes on from there, not from the top of the page.
            requestAnimationFrame(() =>
              document
                .querySelector<HTMLElement>(`[data-testid="door-${CSS.escape(id)}"] .tile-name`)
                ?.focus(),
            );
          }}
        />
      )}
    </>
  );
};
