import { asText, isObject, stringFields, type WindowsRecord } from './record';

/**
 * Winlogbeat's ECS document: `winlog.event_id` (a string since 8.x, a number
 * before), `winlog.computer_name`, `winlog.record_id`, `winlog.channel`,
 * `winlog.event_data.*`, `@timestamp`. Returns null when it is not one.
 */
export const fromWinlogbeat = (
  doc: Record<string, unknown>,
): WindowsRecord | 'missing-field' | 'bad-time' | null => {
  const winlog = doc.winlog;
  if (!isObject(winlog)) return null;
  const eventId = asText(winlog.event_id);
  if (eventId === null || !/^\d{1,5}$/.test(eventId)) return 'missing-field';
  const host = isObject(doc.host) ? asText(doc.host.name) : null;
  const computer = asText(winlog.computer_name) ?? host;
  const timestamp = asText(doc['@timestamp']);
  if (!computer || !timestamp) return 'missing-field';
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms) || !/(Z|[+-]\d{2}:?\d{2})$/.test(timestamp)) return 'bad-time';
  return {
    format: 'winlogbeat',
    eventId: Number(eventId),
    computer,
    channel: asText(winlog.channel) ?? 'Security',
    recordId: asText(winlog.record_id),
    occurredAt: new Date(ms).toISOString(),
    timeAssumed: null,
    data: isObject(winlog.event_data) ? stringFields(winlog.event_data) : {},
  };
};
