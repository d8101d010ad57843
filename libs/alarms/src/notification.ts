import type { Alarm } from './alarm';

/** Changes that end an alarm: the all-clear, sent as information, never at the alarm's severity. */
export const ENDING_CHANGES: readonly string[] = ['alarm.resolved', 'alarm.false-alarm'];

/**
 * What an outbound message says about one alarm change: the same for every
 * transport. `cardholderId`, and the detail of an alarm about a person, are
 * null unless the target receives personal data.
 */
export type NotificationDocument = Pick<
  Alarm,
  | 'id'
  | 'type'
  | 'priority'
  | 'state'
  | 'doorId'
  | 'readerId'
  | 'sensorId'
  | 'cardholderId'
  | 'detail'
  | 'silent'
  | 'count'
  | 'escalations'
> & {
  change: string;
  /** When the change happened (ISO 8601, UTC). */
  at: string;
  /** `alarm` while the change calls for attention; `informational` for one that ends an alarm. */
  severity: 'alarm' | 'informational';
  raisedAt: string;
};

/** One queued notification, as a transport sends it. */
export interface Notification {
  /** The same on every attempt: a receiver drops a repeat by it. */
  deliveryId: string;
  document: NotificationDocument;
}

/** The rules of who may hear about an alarm, per target. */
export interface AudienceRules {
  events: readonly string[];
  /** Silent alarms (duress, a watch-listed card) go only to targets that say so. */
  silentAlarms: boolean;
  /** A cardholder's id only to targets that say so. */
  personalData: boolean;
}

/** The document for a target, or null when the target must not hear of this change. */
export const documentFor = (
  a: Alarm,
  change: string,
  at: number,
  rules: AudienceRules,
): NotificationDocument | null => {
  if (!rules.events.includes(change)) return null;
  if (a.silent && !rules.silentAlarms) return null;
  return {
    change,
    at: new Date(at).toISOString(),
    severity: ENDING_CHANGES.includes(change) ? 'informational' : 'alarm',
    id: a.id,
    type: a.type,
    priority: a.priority,
    state: a.state,
    doorId: a.doorId,
    readerId: a.readerId,
    sensorId: a.sensorId,
    cardholderId: rules.personalData ? a.cardholderId : null,
    // The detail of an alarm about a person may name them (a correlation alert names the account).
    detail: a.cardholderId === null || rules.personalData ? a.detail : null,
    silent: a.silent,
    count: a.count,
    escalations: a.escalations,
    raisedAt: new Date(a.raisedAt).toISOString(),
  };
};
