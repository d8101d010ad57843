import { useRef } from 'react';
import { UserRound } from 'lucide-react';
import type { BoardDoor } from '@gatehouse/api';
import { formatClock } from '../format';
import { batteryIcon, contactIcon, Icon, lockIcon, phaseIcon, signalIcon } from './icons';
import {
  age,
  batteryWord,
  contactWord,
  lockWord,
  overrideState,
  sensorsDown,
  signalWord,
  stateWord,
} from './labels';
import type { SiteOverride } from './lockdown';
import { initialsOf, usePhotoThumb } from './photo-thumbs';
import type { SiteNames } from './site-names';

/** What each sensor watches, in words: a door has one contact and at most one exit button. */
const SENSOR_WORDS = { contact: 'Contact', rex: 'Exit button' } as const;

/** The sensors in few words: each by what it watches (its id in the tooltip), and which of them is silent. */
const SensorFacts = ({ d }: { d: BoardDoor }) => {
  if (d.sensors.length === 0) return <span className="hint">No sensor</span>;
  return (
    <>
      {d.sensors.map((s) => {
        const good = !s.neverHeard && s.online !== false;
        return (
          <span key={s.sensorId} className="sensor" title={s.sensorId}>
            <span className="fact">
              <Icon of={signalIcon(good)} />
              {`${SENSOR_WORDS[s.role] ?? 'Sensor'}: ${signalWord(s)}`}
            </span>
            {s.tamper && <strong className="fact tamper">TAMPER</strong>}
            {s.battery !== null && (
              <span className="fact">
                <Icon of={batteryIcon(s.battery)} />
                {batteryWord(s.battery)}
              </span>
            )}
          </span>
        );
      })}
    </>
  );
};

/** The API's name for a person whose data was erased (libs/access ERASED_NAME): said as such, no photo. */
const ERASED = 'erased person';

/**
 * Who a grant last let through, by name, with their photo for the roles that
 * may see photos (a small thumbnail read once per person, when the tile is
 * near the screen), their initials where there is none; an erased person is
 * said so, with neither.
 */
const LastThrough = ({
  t,
  now,
  person,
}: {
  t: NonNullable<BoardDoor['lastThrough']>;
  now: number;
  /** The desk's own lookup, for a person a pushed delta put here (the board named the others). */
  person: { name: string | null; photo: boolean };
}) => {
  const at = Date.parse(t.at);
  const name = t.name ?? person.name;
  const erased = t.erased === true || name === ERASED;
  const box = useRef<HTMLDivElement>(null);
  const thumb = usePhotoThumb(t.cardholderId, !erased && (t.photo === true || person.photo), box);
  // null: the person is not in the records, or this role may not read names: say neither.
  const who = erased ? ERASED : (name ?? 'a person (name not shown)');
  const initials = !erased && name ? initialsOf(name) : '';
  return (
    <div
      className="tile-through"
      title={`Last through at ${formatClock(at)}`}
      ref={box}
      data-testid="last-through"
    >
      {thumb ? (
        <img
          className="through-photo"
          src={thumb}
          alt=""
          width={20}
          height={20}
          data-testid="through-photo"
        />
      ) : initials ? (
        <span className="through-photo through-initials" aria-hidden="true" data-testid="through-initials">
          {initials}
        </span>
      ) : (
        <Icon of={UserRound} />
      )}
      <span className="through-name">{who}</span>
      <span className="since">{age(at, now)} ago</span>
    </div>
  );
};

/** One door at a glance: name, zone, state in words, colour and icon, since when, lock and contact apart, sensors, last person through. */
export const DoorTile = ({
  door: d,
  zone,
  now,
  override,
  onUnlock,
  onOpen,
  names,
}: {
  door: BoardDoor;
  zone: string | null;
  now: number;
  override: SiteOverride | null;
  onUnlock: (() => void) | null;
  /** Opens the door's detail: the name is a button (Tab, Enter), and a click anywhere on the tile opens it too. */
  onOpen: () => void;
  names: Pick<SiteNames, 'person' | 'photo'>;
}) => {
  const held = override?.doorIds.has(d.doorId) ? override.kind : null;
  const word = stateWord(d, held);
  const offline = word === 'Offline';
  const overridden = overrideState(d, held);
  const since = d.since ? Date.parse(d.since) : null;
  const locked = lockWord(d) === 'Locked';
  return (
    <div
      className={`door-tile phase-${d.phase}${offline ? ' offline' : ''}${sensorsDown(d) ? ' sensor-silent' : ''}${held ? ` ${held}` : ''}${overridden && !offline ? ` ${overridden}-open` : ''}`}
      data-door={d.doorId}
      data-testid={`door-${d.doorId}`}
      onClick={(e) => {
        // Its own buttons (Unlock once) act; anywhere else on the tile opens the detail.
        if (!(e.target instanceof Element && e.target.closest('button, a, input'))) onOpen();
      }}
    >
      <div className="tile-head">
        <button
          type="button"
          className="link tile-name"
          title={`${d.name}: state, history and last people through`}
          onClick={onOpen}
        >
          {d.name}
        </button>
        {zone && <span className="tile-zone">{zone}</span>}
      </div>
      <div className="tile-state">
        <span
          className="phase"
          data-testid={`phase-${d.doorId}`}
          title={
            overridden === 'lockdown'
              ? 'Open or unlocked although the site is locked down: check this door now'
              : undefined
          }
        >
          <Icon of={phaseIcon(d, offline)} className="state-icon" />
          {word}
        </span>
        {since !== null && (
          <span className="since" title={`since ${formatClock(since)}`} data-testid={`since-${d.doorId}`}>
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
        <span className="fact">
          <Icon of={lockIcon(locked)} />
          {lockWord(d)}
        </span>
        <span className="fact">
          <Icon of={contactIcon(d.open)} />
          {contactWord(d)}
        </span>
      </div>
      <div className="tile-facts tile-sensors">
        <SensorFacts d={d} />
      </div>
      {(d.lastThrough || onUnlock) && (
        <div className="tile-foot">
          {d.lastThrough ? (
            <LastThrough
              t={d.lastThrough}
              now={now}
              person={{
                name: names.person(d.lastThrough.cardholderId),
                photo: names.photo(d.lastThrough.cardholderId),
              }}
            />
          ) : (
            <span />
          )}
          {/* A lockdown holds the door: the gateway refuses a remote unlock, so none is offered. */}
          {onUnlock && held !== 'lockdown' && (
            <button className="link tile-action" onClick={onUnlock} title={`Unlock ${d.name} once`}>
              Unlock once
            </button>
          )}
        </div>
      )}
    </div>
  );
};
