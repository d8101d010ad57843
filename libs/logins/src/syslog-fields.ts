/**
 * The parts of a syslog message the login parsers read. `SyslogMessage` from
 * @gatehouse/ingest has this shape; stating it here keeps the parsers usable
 * with any syslog reader.
 */
export interface SyslogFields {
  hostname: string | null;
  appName: string | null;
  procId: string | null;
  timestamp: string | null;
  assumed: { year?: number; zone?: string } | null;
  structuredData: readonly { id: string; params: Record<string, string> }[];
  message: string;
}
