import type { GatehouseBus, Journaling, Log } from '@gatehouse/contracts';

/**
 * Refused device messages are kept with their raw bytes: each is logged and
 * journaled as `device.message-refused`, never fatal. The write is the
 * listener's promise, so a write that fails is the bus's to count and log.
 */
export const journalDeadLetters = (bus: GatehouseBus, journal: Journaling, log: Log): void => {
  bus.on('device.dead-letter', 'journal', (d) => {
    log('warn', 'device message refused', {
      source: d.source,
      origin: d.origin,
      reason: d.reason,
      bytes: d.bytes,
    });
    return journal.append({
      type: 'device.message-refused',
      source: d.source,
      subjects: [],
      payload: { ...d },
    });
  });
};
