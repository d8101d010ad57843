import type { SyslogFields } from '../syslog-fields';
import type { WindowsRecord } from './record';

/**
 * NXLog's `to_syslog_ietf()` of a Windows record: RFC 5424 with every field
 * as a parameter of one structured-data element (`[NXLOG@14506 EventID="4624"
 * TargetUserName="alice" ...]`) and the rendered text as MSG. Returns null
 * when no element carries an EventID.
 */
export const fromWindowsSyslog = (message: SyslogFields): WindowsRecord | 'missing-field' | null => {
  const element = message.structuredData.find((sd) => sd.params.EventID !== undefined);
  if (!element) return null;
  const { params } = element;
  if (!/^\d{1,5}$/.test(params.EventID!)) return 'missing-field';
  const computer = params.Hostname ?? message.hostname;
  if (!computer || !message.timestamp) return 'missing-field';
  return {
    format: 'windows-syslog',
    eventId: Number(params.EventID),
    computer,
    channel: params.Channel ?? 'Security',
    recordId: params.RecordNumber ?? null,
    occurredAt: message.timestamp,
    timeAssumed: message.assumed,
    data: { ...params },
  };
};
