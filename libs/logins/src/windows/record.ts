import type { LoginFormat } from '../event';

/** A Windows Security event lifted out of whichever shipper format carried it. */
export interface WindowsRecord {
  format: LoginFormat;
  eventId: number;
  /** The computer that logged it (winlog.computer_name, NXLog Hostname). */
  computer: string;
  channel: string;
  /** Event log record number: unique per computer and channel, so the idempotency key. */
  recordId: string | null;
  occurredAt: string;
  timeAssumed: { year?: number; zone?: string } | null;
  /** EventData fields (TargetUserName, LogonType, ...), as strings. */
  data: Record<string, string>;
}

/** JSON numbers and strings both occur for the same field across shipper versions. */
export const asText = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
};

export const stringFields = (source: Record<string, unknown>): Record<string, string> => {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    const text = asText(value);
    if (text !== null) fields[name] = text;
  }
  return fields;
};

export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
