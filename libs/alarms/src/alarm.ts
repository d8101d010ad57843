export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
/** `withdrawn`: its raiser took it back (later facts disproved it); shown so, never deleted. */
export const ALARM_STATES = ['new', 'acknowledged', 'resolved', 'false-alarm', 'withdrawn'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export interface AlarmComment {
  by: string;
  at: number;
  text: string;
}

/** One alarm as the guard's queue shows it; kept after it ends, for the record. */
export interface Alarm {
  id: string;
  /** Same type and source: repeats of an open alarm count here instead of making new ones. */
  key: string;
  type: string;
  priority: Priority;
  state: AlarmState;
  doorId: string | null;
  readerId: string | null;
  sensorId: string | null;
  cardholderId: string | null;
  detail: string | null;
  silent: boolean;
  raisedAt: number;
  lastAt: number;
  count: number;
  /** Whether the cause is still there (the door still open). */
  active: boolean;
  clearedAt: number | null;
  owner: string | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  escalations: number;
  /**
   * When the current escalation step began, on the gateway's clock: when the
   * alarm entered the queue, then when it last escalated. The escalation timer
   * counts from it, never from `raisedAt` (the occurrence's own time: a
   * correlation alert's fact may be minutes old when it is judged). Absent on
   * records stored before it existed: `raisedAt` stands in.
   */
  stepFrom?: number;
  comments: AlarmComment[];
  /** The workstation session it is about, when its raiser named one (absent on older records). */
  workstation?: { host: string; sessionId: string | null };
}

export const isOpen = (a: Pick<Alarm, 'state'>) => a.state === 'new' || a.state === 'acknowledged';

export const dedupeKey = (
  type: string,
  src: {
    doorId?: string | null;
    readerId?: string | null;
    sensorId?: string | null;
    cardholderId?: string | null;
    sourceKey?: string;
  },
) =>
  [
    type,
    src.doorId ?? '',
    src.readerId ?? '',
    src.sensorId ?? '',
    src.cardholderId ?? '',
    // Only where the raiser names its occurrence: keys stored before sourceKey existed stay equal.
    ...(src.sourceKey === undefined ? [] : [src.sourceKey]),
  ].join('|');

/** Higher priority first, then oldest first: the order of the guard's queue. */
/**
 * The queue's order: by priority; within one, the alarms nobody has
 * acknowledged yet above those someone is handling (a new Critical "Forced
 * open" never sits below an acknowledged Critical); newest first within each.
 */
export const queueOrder = (
  a: Pick<Alarm, 'priority' | 'state' | 'raisedAt'>,
  b: Pick<Alarm, 'priority' | 'state' | 'raisedAt'>,
) =>
  PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority) ||
  Number(a.state !== 'new') - Number(b.state !== 'new') ||
  b.raisedAt - a.raisedAt;

export const raisePriority = (p: Priority): Priority => PRIORITIES[Math.max(0, PRIORITIES.indexOf(p) - 1)]!;

/**
 * Alarm types that record something the site allowed to happen (a soft
 * anti-passback grant let the person through), or warn of an alarm that
 * follows by itself (the held-open pre-alarm: "held open" comes after it and
 * escalates in its own right): the guard sees them, but they are never
 * escalated by the timer, whatever the priority's escalation time.
 */
export const INFORMATIONAL_TYPES: ReadonlySet<string> = new Set(['anti-passback', 'held-open-warning']);

/**
 * Alarms about a condition (a reader or sensor gone, a battery low): once the
 * condition has ended, nobody is escalated about it; it waits in the queue
 * for the guard to acknowledge. An event (a forced door, a duress PIN) is
 * escalated whether or not its cause is still there.
 */
export const CONDITION_TYPES: ReadonlySet<string> = new Set([
  'reader-offline',
  'reader-power',
  'reader-secure-channel',
  'sensor-offline',
  'sensor-battery-low',
  'actuator-stuck-on',
]);

/** The conditions of an open door: when the door closes, each of them ends. */
export const DOOR_OPEN_TYPES = ['forced-open', 'held-open', 'held-open-warning'] as const;

/**
 * The alarm that stands for this one at the same door while its cause is
 * there: a door forced and left open is one alarm, not also "held open". The
 * door machine never times a forced door as held, but after a restart it
 * cannot know the opening was forced, and would.
 */
export const coveringType = (type: string): string | null =>
  type === 'held-open' || type === 'held-open-warning' ? 'forced-open' : null;
