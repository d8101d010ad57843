/**
 * What a person at a terminal sees (issue 11, item 10): the start banner framed
 * so the console address and the bootstrap token stand out, and log lines in
 * words instead of JSON. Only when stdout is a terminal: log shippers and
 * `journalctl` keep the JSON lines, scripts keep the plain banner lines.
 */

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const COLOURS: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };
const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';
/** pino's own fields, shown in their places or not at all. */
const OWN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg']);

const shown = (value: unknown): string => {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
};

/** One pino JSON line as "14:02:11 WARN  message key=value"; a line that is not JSON is kept as it is. */
export const prettyLogLine = (json: string, colour: boolean): string => {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = typeof record.level === 'number' ? record.level : 30;
  const time = typeof record.time === 'number' ? new Date(record.time).toTimeString().slice(0, 8) : '';
  const fields = Object.entries(record)
    .filter(([k]) => !OWN.has(k))
    .map(([k, v]) => `${k}=${shown(v)}`);
  const name = (LEVELS[level] ?? String(level)).padEnd(5);
  const head = colour && COLOURS[level] ? `${COLOURS[level]}${name}${RESET}` : name;
  return `${[time, head, String(record.msg ?? ''), ...fields].filter(Boolean).join(' ')}\n`;
};

/** A pino destination writing pretty lines to a terminal. */
export const prettyDestination = (out: NodeJS.WriteStream) => ({
  write: (line: string) => void out.write(prettyLogLine(line, true)),
});

/**
 * The start banner's lines framed for a terminal: the console address and the
 * token each set apart by blank lines. Elsewhere the banner stays plain lines.
 * Both keep "Console: <url>" and "BOOTSTRAP TOKEN: <token>" free of escape
 * codes, so a copy, a script or a test reads them alike.
 */
export const framedBanner = (lines: readonly string[]): string[] => {
  const width = Math.min(100, Math.max(...lines.map((l) => l.length)) + 4);
  const rule = `${BOLD}${'═'.repeat(width)}${RESET}`;
  const body = lines.flatMap((l) =>
    /Console: |BOOTSTRAP TOKEN: /.test(l) ? ['', `  ${l.trim()}`, ''] : [`  ${l}`],
  );
  return [rule, ...body, rule];
};
