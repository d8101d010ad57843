/** One syslog message as parsed from the wire, before anything interprets its text. */
export interface SyslogMessage {
  format: 'rfc5424' | 'rfc3164';
  facility: number;
  severity: number;
  /** ISO instant (UTC), or null when the sender sent the nil value. */
  timestamp: string | null;
  /**
   * What the parser had to assume because the format does not carry it
   * (RFC 3164 has neither year nor zone); null when nothing was assumed.
   */
  assumed: { year?: number; zone?: string } | null;
  hostname: string | null;
  appName: string | null;
  procId: string | null;
  msgId: string | null;
  structuredData: SdElement[];
  message: string;
}

export interface SdElement {
  id: string;
  params: Record<string, string>;
}

/** Why a frame was not a syslog message; each is counted by the receiver. */
export type SyslogRejection =
  'not-syslog' | 'bad-priority' | 'bad-timestamp' | 'bad-structured-data' | 'invalid-utf8';

export type SyslogParse = { ok: true; message: SyslogMessage } | { ok: false; reason: SyslogRejection };
