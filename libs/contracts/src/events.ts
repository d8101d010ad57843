import type {
  AccessDecided,
  AlarmCleared,
  AlarmRaised,
  AlarmWithdrawn,
  CredentialPresented,
  DoorCommand,
  DoorModeChanged,
  KeypadEntered,
} from './access';
import type { JournalEntry } from './journal';
import type { DeadLetter, SensorReading } from './sensors';
import { TypedEventBus } from './event-bus';

/** The process-wide event map. Later issues add device and domain events here. */
export interface GatehouseEvents {
  /** Emitted after the entries' transaction committed, in sequence order. */
  'journal.committed': readonly JournalEntry[];
  /** A component's health changed (storage, journal, later each device). */
  'health.changed': { component: string; status: 'up' | 'down' | 'degraded'; detail?: string };
  /** A reader read a card (readers → access). */
  'credential.presented': CredentialPresented;
  /** Digits typed on a reader's keypad (readers → access). */
  'keypad.entered': KeypadEntered;
  /** A decision was made (access → readers, doors): feedback and unlock. */
  'access.decided': AccessDecided;
  /** Open, lock or unlock a door (access/guards → door actuators). */
  'door.command': DoorCommand;
  'door.mode-changed': DoorModeChanged;
  /** Something an operator must see (any context → alarms). */
  'alarm.raised': AlarmRaised;
  /** The cause of an alarm ended (any context → alarms). */
  'alarm.cleared': AlarmCleared;
  /** An alarm its raiser takes back, with the reason (correlation → alarms). */
  'alarm.withdrawn': AlarmWithdrawn;
  /** An alarm record changed (alarms → desk, notifications). */
  'alarm.changed': { id: string; state: string; priority: string; type: string; change: string };
  /** A door sensor's state (adapters → doors). */
  'sensor.reading': SensorReading;
  /** A device message that was refused (adapters → journal, metrics). */
  'device.dead-letter': DeadLetter;
  /** A door's state changed (doors → board, publishers). */
  'door.state-changed': { doorId: string; phase: string; open: boolean | null; alarms: string[]; at: number };
}

export class GatehouseBus extends TypedEventBus<GatehouseEvents> {}
