/** Events between the readers (adapters) and the access context. Neither side knows the other. */

/** A credential read at a reader, as the adapter decoded it. */
export interface CredentialPresented {
  readerId: string;
  /** The card format the reader is configured for, and the canonical number in it. */
  format: string;
  number: string;
  /** The raw bits as read, for the record and for re-interpretation. */
  raw?: { bits: number; hex: string };
  /** Every format the bits fit, as shown to a facility manager. */
  interpretations?: { format: string; number: string; parityOk?: boolean }[];
  /** A PIN typed together with the card, when the reader collects both. */
  pin?: string;
  at: number;
  sourceTime?: string;
}

export interface KeypadEntered {
  readerId: string;
  digits: string;
  at: number;
}

/** What the readers need to give feedback (LED, buzzer) and drive the lock. */
export interface AccessDecided {
  readerId: string;
  doorId: string | null;
  grant: boolean;
  reason: string;
  unlockMs: number;
  /** True while the reader should wait for a PIN on its keypad. */
  awaitingPin: boolean;
  cardholderId: string | null;
  at: number;
}

export interface DoorCommand {
  doorId: string;
  action: 'pulse' | 'unlock' | 'lock';
  ms?: number;
  reason: string;
}

export interface AlarmRaised {
  /** What happened, e.g. forced-open, held-open, duress, sensor-offline. */
  type: string;
  priority: 'critical' | 'high' | 'medium' | 'low';
  silent: boolean;
  doorId?: string | null;
  readerId?: string | null;
  cardholderId?: string | null;
  sensorId?: string | null;
  detail?: string;
  at: number;
  /**
   * The raiser's own name for this occurrence, where repeats must not fold
   * into one alarm (each correlation alert is its own alarm, withdrawn on its own).
   */
  sourceKey?: string;
  /**
   * The workstation session the alarm is about (a correlation alert on a
   * session): what a workstation-lock target needs, and nothing of the person.
   */
  workstation?: { host: string; sessionId: string | null };
}

/** A raiser takes back an alarm it raised: later facts disproved it (correlation alerts). */
export interface AlarmWithdrawn {
  type: string;
  sourceKey: string;
  reason: string;
  at: number;
}

export interface DoorModeChanged {
  doorId: string;
  mode: string;
  until: number | null;
  by: string;
  reason: string;
}

/** The cause of an alarm ended (the door closed, the sensor came back). */
export interface AlarmCleared {
  type: string;
  doorId?: string | null;
  readerId?: string | null;
  sensorId?: string | null;
  at: number;
}
