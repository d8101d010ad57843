import {
  BIDI_CONTROLS,
  csvRecord,
  DomainError,
  parseIsoDateOrInstant,
  SUBJECT_KINDS,
  type JournalEntry,
  type SubjectKind,
} from '@gatehouse/contracts';

export interface JournalFilter {
  /** Inclusive lower and exclusive upper bound, ISO 8601. */
  from?: string;
  to?: string;
  /** Exact types, or prefixes written `door.*`. */
  types?: string[];
  subjects?: { kind: SubjectKind; id: string }[];
  /**
   * Groups of subjects: an entry must be about at least one subject of every
   * group (a name that matches three people finds entries about any of them).
   * An empty group matches nothing.
   */
  anyOf?: { kind: SubjectKind; id: string }[][];
  /** Case-insensitive substring of the entry's JSON. */
  text?: string;
  /** Categories the caller may see; undefined means all. An empty list sees nothing. */
  visibleCategories?: readonly string[];
}

export interface JournalPageRequest extends JournalFilter {
  /** Opaque cursor from a previous page. */
  cursor?: string;
  limit: number;
}

export interface BuiltQuery {
  sql: string;
  params: (string | number)[];
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const parseTime = (value: string, name: string): number => {
  const ms = parseIsoDateOrInstant(value);
  if (ms === null) {
    throw new DomainError('invalid', 'journal.bad-time', `${name} must be an ISO 8601 time`, {
      [name]: value,
    });
  }
  return ms;
};

export const encodeCursor = (seq: number): string => Buffer.from(`s:${seq}`).toString('base64url');
export const decodeCursor = (cursor: string): number => {
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^s:(\d{1,15})$/.exec(text);
  if (!match) throw new DomainError('invalid', 'journal.bad-cursor', 'cursor is not one this server issued');
  return Number(match[1]);
};

/**
 * Builds one parameterised statement for a filter. With a subject filter the
 * subject index drives the scan (an index range, newest first), so "the last 50
 * entries about this person" costs the same over a thousand or a million rows.
 */
/** Most subjects one group may hold: a name typed as "a" must not become a statement of a million terms. */
export const MAX_GROUP_SUBJECTS = 200;

const checkKind = (kind: string) => {
  if (!(SUBJECT_KINDS as readonly string[]).includes(kind)) {
    throw new DomainError('invalid', 'journal.bad-subject', `unknown subject kind ${kind}`);
  }
};

/** One group of `anyOf` as a condition on `e.seq`, each term an index range of journal_subjects. */
const anyOfClause = (group: readonly { kind: SubjectKind; id: string }[], params: (string | number)[]) => {
  if (group.length === 0) return '0';
  if (group.length > MAX_GROUP_SUBJECTS) {
    throw new DomainError(
      'invalid',
      'journal.too-many-subjects',
      `a search may name at most ${MAX_GROUP_SUBJECTS} people, doors or cards at once: be more precise`,
    );
  }
  group.forEach((s) => {
    checkKind(s.kind);
    params.push(s.kind, s.id);
  });
  return `e.seq IN (SELECT seq FROM journal_subjects WHERE ${group.map(() => '(kind = ? AND ref = ?)').join(' OR ')})`;
};

export const buildJournalQuery = (
  filter: JournalFilter,
  order: 'desc' | 'asc',
  page?: { beforeSeq?: number; limit?: number },
): BuiltQuery => {
  const where: string[] = [];
  const params: (string | number)[] = [];
  let from = 'journal_entries e';
  let seqColumn = 'e.seq';
  const subjects = filter.subjects ?? [];
  for (const s of subjects) checkKind(s.kind);
  if (subjects.length > 0) {
    const [first, ...rest] = subjects;
    from = 'journal_subjects s0 JOIN journal_entries e ON e.seq = s0.seq';
    seqColumn = 's0.seq';
    where.push('s0.kind = ? AND s0.ref = ?');
    params.push(first!.kind, first!.id);
    rest.forEach((s, i) => {
      where.push(
        `EXISTS (SELECT 1 FROM journal_subjects s${i + 1} WHERE s${i + 1}.seq = e.seq AND s${i + 1}.kind = ? AND s${i + 1}.ref = ?)`,
      );
      params.push(s.kind, s.id);
    });
  }
  for (const group of filter.anyOf ?? []) where.push(anyOfClause(group, params));
  if (filter.from) {
    where.push('e.time_ms >= ?');
    params.push(parseTime(filter.from, 'from'));
  }
  if (filter.to) {
    where.push('e.time_ms < ?');
    params.push(parseTime(filter.to, 'to'));
  }
  if (filter.types && filter.types.length > 0) {
    const ors = filter.types.map((t) => {
      if (t.endsWith('.*')) {
        params.push(`${likeEscape(t.slice(0, -2))}.%`);
        return "e.type LIKE ? ESCAPE '\\'";
      }
      params.push(t);
      return 'e.type = ?';
    });
    where.push(`(${ors.join(' OR ')})`);
  }
  if (filter.visibleCategories !== undefined) {
    if (filter.visibleCategories.length === 0) where.push('0');
    else {
      where.push(`e.category IN (${filter.visibleCategories.map(() => '?').join(',')})`);
      params.push(...filter.visibleCategories);
    }
  }
  if (filter.text) {
    where.push("e.entry_json LIKE ? ESCAPE '\\'");
    params.push(`%${likeEscape(filter.text)}%`);
  }
  if (page?.beforeSeq !== undefined) {
    where.push(`${seqColumn} ${order === 'desc' ? '<' : '>'} ?`);
    params.push(page.beforeSeq);
  }
  let sql = `SELECT e.seq AS seq, e.entry_json AS entry_json FROM ${from}`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ` ORDER BY ${seqColumn} ${order === 'desc' ? 'DESC' : 'ASC'}`;
  if (page?.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(page.limit);
  }
  return { sql, params };
};

export interface JournalPage {
  items: JournalEntry[];
  nextCursor: string | null;
}

const CSV_HEADER = [
  'seq',
  'time',
  'type',
  'source',
  'actor',
  'subjects',
  'sourceTime',
  'sourceZone',
  'timeSource',
  'payload',
];

/**
 * An entry's canonical JSON as a JSONL line, with bidirectional controls
 * written as \u escapes: the same JSON value (parse and re-canonicalise to
 * check its hash), but a text viewer shows the codes instead of reordering.
 */
export const jsonlLine = (json: string): string =>
  json.replace(BIDI_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

export const csvHeader = (): string => csvRecord(CSV_HEADER);

export const csvRow = (e: JournalEntry): string =>
  csvRecord([
    e.seq,
    e.time,
    e.type,
    e.source,
    e.actor ? [e.actor.kind, e.actor.name ?? e.actor.id ?? '', e.actor.address ?? ''].join(':') : '',
    e.subjects.map((s) => `${s.kind}:${s.id}`).join(';'),
    e.sourceTime ?? '',
    e.sourceZone ?? '',
    e.timeSource,
    JSON.stringify(e.payload),
  ]);
