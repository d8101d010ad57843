import type { Clock, GatehouseBus, Journaling, Log } from '@gatehouse/contracts';
import type { ActuationReport, SwitchOffReport } from './actuators';
import type { ConnectionEvent } from './client';

/**
 * Each change of the broker connection is logged and journaled as
 * `device.mqtt-<state>`. Nobody waits for the write, so the bus tracks it: a
 * write that fails is counted and logged, never swallowed.
 */
export const journalConnectionStates =
  (journal: Journaling, bus: GatehouseBus, url: string, log: Log) =>
  (e: ConnectionEvent): void => {
    log('info', 'mqtt connection', { mqtt: e.state, detail: e.detail });
    const type = `device.mqtt-${e.state}`;
    bus.track(
      type,
      'mqtt-connection',
      journal.append({ type, source: 'mqtt', subjects: [], payload: { url, detail: e.detail ?? null } }),
      e,
    );
  };

/**
 * Each relay pulse is journaled, confirmed or not; a relay that did not
 * confirm it switched raises an alarm at once, whether or not its entry
 * commits (the lock may not have opened). Resolves when the entry committed.
 */
export const recordActuations =
  (journal: Journaling, bus: GatehouseBus, clock: Clock) =>
  (r: ActuationReport): Promise<unknown> => {
    const recorded = journal.append({
      type: r.confirmed ? 'door.actuator-confirmed' : 'door.actuator-unconfirmed',
      source: 'mqtt',
      subjects: [{ kind: 'door', id: r.door }],
      payload: { ...r },
    });
    if (!r.confirmed) {
      bus.emit('alarm.raised', {
        type: 'actuator-unconfirmed',
        priority: 'medium',
        silent: false,
        doorId: r.door,
        at: clock.now().getTime(),
        detail: 'the relay did not confirm it switched',
      });
    }
    return recorded;
  };

/**
 * A relay that did not switch back off leaves a door that may stand unlocked:
 * journaled, and a high alarm at once (before the entry commits, as above).
 * When a retry finally switches it off, that is journaled and the alarm's
 * cause is cleared; the guard still resolves the alarm.
 */
export const recordSwitchOffs =
  (journal: Journaling, bus: GatehouseBus, clock: Clock) =>
  (r: SwitchOffReport): Promise<unknown> => {
    const stuck = r.outcome === 'stuck';
    const at = clock.now().getTime();
    if (stuck) {
      bus.emit('alarm.raised', {
        type: 'actuator-stuck-on',
        priority: 'high',
        silent: false,
        doorId: r.door,
        at,
        detail: r.detail ?? 'the relay did not switch off',
      });
    } else {
      bus.emit('alarm.cleared', { type: 'actuator-stuck-on', doorId: r.door, at });
    }
    return journal.append({
      type: stuck ? 'door.actuator-stuck-on' : 'door.actuator-released',
      source: 'mqtt',
      subjects: [{ kind: 'door', id: r.door }],
      payload: { ...r },
    });
  };
