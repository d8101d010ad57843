import type { SdElement, SyslogParse } from './message';

const nil = (field: string): string | null => (field === '-' ? null : field);

/** RFC 5424 TIMESTAMP: full date-time with an offset (or Z), fraction up to 6 digits. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export const parseRfc5424Timestamp = (field: string): string | null | undefined => {
  if (field === '-') return null;
  if (!TIMESTAMP.test(field)) return undefined;
  const ms = Date.parse(field);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/** STRUCTURED-DATA: `-` or one or more `[id name="value" ...]`, values escaping `"`, `\` and `]`. */
export const readStructuredData = (text: string): { elements: SdElement[]; rest: string } | null => {
  if (text.startsWith('-')) return { elements: [], rest: text.slice(1) };
  const elements: SdElement[] = [];
  let at = 0;
  while (text[at] === '[') {
    const idMatch = /^[^\s=\]"]{1,32}/.exec(text.slice(at + 1, at + 34));
    if (!idMatch) return null;
    const element: SdElement = { id: idMatch[0], params: {} };
    at += 1 + idMatch[0].length;
    while (text[at] === ' ') {
      const nameMatch = /^([^\s=\]"]{1,32})="/.exec(text.slice(at + 1, at + 36));
      if (!nameMatch) return null;
      at += 1 + nameMatch[0].length;
      let value = '';
      for (;;) {
        const ch = text[at];
        if (ch === undefined) return null;
        if (ch === '\\' && (text[at + 1] === '"' || text[at + 1] === '\\' || text[at + 1] === ']')) {
          value += text[at + 1];
          at += 2;
        } else if (ch === '"') {
          at += 1;
          break;
        } else {
          value += ch;
          at += 1;
        }
      }
      element.params[nameMatch[1]!] = value;
    }
    if (text[at] !== ']') return null;
    at += 1;
    elements.push(element);
  }
  return elements.length ? { elements, rest: text.slice(at) } : null;
};

/**
 * The header after `<PRI>`: `1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]`.
 * The message loses one leading BOM and the trailing line end a framer left.
 */
export const parseRfc5424 = (facility: number, severity: number, afterPri: string): SyslogParse => {
  const header = /^1 (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /.exec(afterPri);
  if (!header) return { ok: false, reason: 'not-syslog' };
  const timestamp = parseRfc5424Timestamp(header[1]!);
  if (timestamp === undefined) return { ok: false, reason: 'bad-timestamp' };
  const sd = readStructuredData(afterPri.slice(header[0].length));
  if (!sd) return { ok: false, reason: 'bad-structured-data' };
  if (sd.rest !== '' && !sd.rest.startsWith(' ') && !/^[\r\n]+$/.test(sd.rest)) {
    return { ok: false, reason: 'bad-structured-data' };
  }
  const message = sd.rest
    .replace(/^ /, '')
    .replace(/^\uFEFF/, '')
    .replace(/\r?\n$/, '');
  return {
    ok: true,
    message: {
      format: 'rfc5424',
      facility,
      severity,
      timestamp,
      assumed: null,
      hostname: nil(header[2]!),
      appName: nil(header[3]!),
      procId: nil(header[4]!),
      msgId: nil(header[5]!),
      structuredData: sd.elements,
      message,
    },
  };
};
