import { wallTimeToInstant } from '@gatehouse/ingest';
import { asText, stringFields, type WindowsRecord } from './record';

/** NXLog's default datetime text: local time, no zone. */
const NXLOG_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/;

/**
 * An NXLog time: its default `YYYY-MM-DD hh:mm:ss` is the agent's local
 * time, so the configured zone is assumed (and recorded); an ISO time with an
 * offset (when the site sets `$EventTime = strftime(..., '%Y-%m-%dT%H:%M:%S%z')`) is taken as is.
 */
export const nxlogTime = (
  text: string,
  zone: string,
): { occurredAt: string; timeAssumed: { zone: string } | null } | null => {
  const local = NXLOG_TIME.exec(text);
  if (local) {
    const instant = wallTimeToInstant(
      {
        year: Number(local[1]),
        month: Number(local[2]),
        day: Number(local[3]),
        hour: Number(local[4]),
        minute: Number(local[5]),
        second: Number(local[6]),
        ms: local[7] ? Math.floor(Number(local[7]) * 1000) : 0,
      },
      zone,
    );
    return Number.isNaN(instant)
      ? null
      : { occurredAt: new Date(instant).toISOString(), timeAssumed: { zone } };
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : { occurredAt: new Date(ms).toISOString(), timeAssumed: null };
};

/**
 * NXLog's `to_json()` of an im_msvistalog record: EventID, Hostname,
 * EventTime, RecordNumber, Channel and the EventData fields at the top level.
 * Returns null when it is not one.
 */
export const fromNxlogJson = (
  doc: Record<string, unknown>,
  zone: string,
): WindowsRecord | 'missing-field' | 'bad-time' | null => {
  const eventId = asText(doc.EventID);
  if (eventId === null || !('Hostname' in doc || 'SourceName' in doc)) return null;
  if (!/^\d{1,5}$/.test(eventId)) return 'missing-field';
  const computer = asText(doc.Hostname);
  const time = asText(doc.EventTime);
  if (!computer || !time) return 'missing-field';
  const when = nxlogTime(time, zone);
  if (!when) return 'bad-time';
  return {
    format: 'nxlog-json',
    eventId: Number(eventId),
    computer,
    channel: asText(doc.Channel) ?? 'Security',
    recordId: asText(doc.RecordNumber),
    ...when,
    data: stringFields(doc),
  };
};
