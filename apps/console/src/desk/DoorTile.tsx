import type { BoardDoor } from '@gatehouse/api';
import { formatClock } from '../format';
import { age, batteryWord, contactWord, lockWord, sensorsDown, signalWord, stateWord } from './labels';
import type { SiteOverride } from './lockdown';

/** One door at a glance: name, zone, state in words and colour, since when, lock and contact apart, sensors in words. */
export const DoorTile = ({
  door: d,
  zone,
  since,
  now,
  override,
  onUnlock,
}: {
  door: BoardDoor;
  zone: string | null;
  /** When the board saw the state change (null: it has been so since before this screen opened). */
  since: number | null;
  now: number;
  override: SiteOverride | null;
  onUnlock: (() => void) | null;
}) => {
  const word = stateWord(d);
  const held = override?.doorIds.has(d.doorId) ? override.kind : null;
  return (
    <div
      className={`door-tile phase-${d.phase}${word === 'Offline' ? ' offline' : ''}${sensorsDown(d) ? ' sensor-silent' : ''}${held ? ` ${held}` : ''}`}
      data-door={d.doorId}
      data-testid={`door-${d.doorId}`}
    >
      <div className="tile-head">
        <strong className="tile-name" title={d.name}>
          {d.name}
        </strong>
        {zone && <span className="tile-zone">{zone}</span>}
      </div>
      <div className="tile-state">
        <span className="phase" data-testid={`phase-${d.doorId}`}>
          <span className="state-icon" aria-hidden="true" />
          {word}
        </span>
        {since !== null && (
          <span className="since" title={`since ${formatClock(since)}`}>
            for {age(since, now)}
          </span>
        )}
      </div>
      {held && (
        <span className="override-badge" data-testid={`override-${d.doorId}`}>
          {held === 'lockdown' ? 'LOCKDOWN' : 'EMERGENCY OPEN'}
        </span>
      )}
      <div className="tile-facts">
        <span>{lockWord(d)}</span>
        <span>{contactWord(d)}</span>
      </div>
      <div className="hint tile-sensors">
        {d.sensors.length === 0
          ? 'No sensor'
          : d.sensors
              .map(
                (s) =>
                  // The sensor's id is its only name, and tells which of a door's sensors is silent.
                  `${s.sensorId}: ${[signalWord(s), s.tamper ? 'TAMPER' : null, batteryWord(s.battery)]
                    .filter(Boolean)
                    .join(', ')}`,
              )
              .join(' · ')}
      </div>
      {onUnlock && (
        <button className="link tile-action" onClick={onUnlock} title={`Unlock ${d.name} once`}>
          Unlock once
        </button>
      )}
    </div>
  );
};
