import { useEffect, useState } from 'react';
import type { BoardDoor, Items } from '@gatehouse/api';
import { api } from '../api';
import { useLive } from '../shell/live';
import { applyDoorEntry, isPhaseEntry } from './door-delta';

/**
 * Every door's live state for a page other than the desk (the Doors page):
 * the board read on opening and after each reconnection, then the door
 * phases the stream pushes applied as deltas, the desk's own way. `enabled`
 * false (a role without `doors.board`) reads nothing.
 */
export const useLiveDoors = (enabled: boolean): Map<string, BoardDoor> | null => {
  const live = useLive();
  const { subscribe, generation } = live;
  const [doors, setDoors] = useState<BoardDoor[] | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    api
      .background<Items<BoardDoor>>('/api/v1/doors/board')
      .then((r) => current && setDoors(r.items))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [enabled, generation]);
  useEffect(() => {
    if (!enabled) return;
    return subscribe((e) => {
      if (isPhaseEntry(e)) setDoors((all) => all && all.map((d) => applyDoorEntry(d, e)));
    });
  }, [enabled, subscribe]);
  return doors && new Map(doors.map((d) => [d.doorId, d]));
};
