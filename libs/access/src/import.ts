import { createHash } from 'node:crypto';
import {
  type Actor,
  csvRecord,
  DomainError,
  issueInWords,
  type JournalEntryInput,
  type JsonObject,
  parseIsoDateOrInstant,
  plainText,
  timeSlicer,
} from '@gatehouse/contracts';
import type { AccessService } from './access.service';
import { decodeCsv } from './csv';
import type { CsvRow } from './csv';
import { csvSegments } from './import-slices';
import type { CredentialRecord } from './index-data';
import type { ImportCommit } from './records';
import { newId } from './ids';
import { personalRecord } from './personal-paths';
import { checkCredentialNumber } from './schemas';
import { cardholderFrom } from './store';
import {
  CARDHOLDER_KINDS,
  CARDHOLDER_STATES,
  CREDENTIAL_FORMATS,
  CREDENTIAL_STATES,
  credentialKey,
  type Cardholder,
  type CredentialFormat,
  type CredentialState,
} from './model';

/**
 * One row per credential; a cardholder with several credentials has several
 * rows (their cardholder columns must agree), one without any has one row with
 * the credential columns empty. Cardholders are matched on employee_number.
 */
export const IMPORT_COLUMNS = [
  'employee_number',
  'name',
  'department',
  'directory_account',
  'kind',
  'state',
  'levels',
  'groups',
  'credential_format',
  'credential_number',
  'credential_state',
  'valid_from',
  'valid_until',
] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
const REQUIRED = ['employee_number', 'name'];

export interface ImportError {
  line: number;
  message: string;
}

export interface ImportReport {
  rows: number;
  cardholders: { create: number; update: number; unchanged: number };
  credentials: { create: number; update: number; unchanged: number };
  errors: ImportError[];
  /** SHA-256 of the file as received: the journal names exactly what was imported. */
  sha256: string;
  applied: boolean;
}

interface PlannedCardholder {
  line: number;
  record: Cardholder;
  action: 'create' | 'update' | 'unchanged';
}
interface PlannedCredential {
  line: number;
  record: CredentialRecord;
  action: 'create' | 'update' | 'unchanged';
}

interface Plan {
  report: ImportReport;
  cardholders: PlannedCardholder[];
  credentials: PlannedCredential[];
}

const MAX_ERRORS = 500;
const splitList = (v: string) =>
  v
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
const time = (v: string, line: number, column: string, errors: ImportError[]): number | null => {
  if (!v) return null;
  const ms = parseIsoDateOrInstant(v);
  if (ms === null)
    errors.push({
      line,
      message: `${column}: "${v.slice(0, 40)}" is not a date that exists (YYYY-MM-DD) or an ISO 8601 time with zone`,
    });
  return ms;
};
/** The checks the API applies to the same fields (control characters, lengths). */
const TEXT = {
  employee_number: plainText({ max: 40 }).refine(Boolean, 'is required'),
  name: plainText({ max: 120 }).refine(Boolean, 'is required'),
  department: plainText({ min: 0, max: 120 }),
  directory_account: plainText({ min: 0, max: 120 }),
};
/** The apostrophe the export puts before a cell a spreadsheet would run as a formula. */
const FORMULA_GUARD = /^'(?=[=+\-@])/;

export class CardholderImport {
  constructor(private readonly access: AccessService) {}

  /**
   * Reads and checks the whole file against the current data; nothing is written.
   * Yields to the event loop every few milliseconds of work (parsing included),
   * so a large file does not hold up the decisions of readers meanwhile.
   */
  async plan(bytes: Buffer): Promise<Plan> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const pause = timeSlicer();
    // Rows are planned a segment at a time as they are parsed, and let go: held all at once they
    // lived through many collections and made the import's GC pauses long.
    const segments = csvSegments(decodeCsv(bytes), pause);
    const first = await segments.next();
    const firstRows = first.done ? [] : first.value;
    const header = firstRows[0];
    if (!header) throw new DomainError('invalid', 'import.empty', 'the file is empty');
    const columns = header.cells.map((c) => c.trim().toLowerCase());
    const unknown = columns.filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c));
    const missing = REQUIRED.filter((c) => !columns.includes(c));
    const duplicated = columns.filter((c, i) => columns.indexOf(c) !== i);
    if (unknown.length || missing.length || duplicated.length) {
      throw new DomainError(
        'invalid',
        'import.columns',
        [
          unknown.length ? `unknown columns: ${unknown.join(', ')}` : '',
          missing.length ? `missing columns: ${missing.join(', ')}` : '',
          duplicated.length ? `repeated columns: ${duplicated.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') + `. Expected: ${IMPORT_COLUMNS.join(', ')}`,
        { unknown, missing, expected: IMPORT_COLUMNS },
      );
    }
    const idx = this.access.engine.index;
    const errors: ImportError[] = [];
    const people = new Map<string, PlannedCardholder>();
    const credentials: PlannedCredential[] = [];
    const seenCredentials = new Map<string, number>();
    const now = this.access.clock.now().getTime();
    const stored = await this.storedLookups(pause);
    const planRow = (row: CsvRow): void => {
      const get = (c: string) =>
        columns.includes(c) ? (row.cells[columns.indexOf(c)] ?? '').trim().replace(FORMULA_GUARD, '') : '';
      const line = row.line;
      const fail = (message: string) => errors.push({ line, message });
      if (row.cells.length !== columns.length) {
        fail(`has ${row.cells.length} fields, the header has ${columns.length}`);
        return;
      }
      const badText = (Object.keys(TEXT) as (keyof typeof TEXT)[])
        .map((c) => [c, TEXT[c].safeParse(get(c))] as const)
        .filter(([, r]) => !r.success);
      // Said in words (issueInWords) only for the cells refused: the words cost a slower parse, 10,000 lines of good cells do not.
      for (const [c] of badText)
        fail(
          `${c}: ${TEXT[c].safeParse(get(c), { error: issueInWords }).error?.issues[0]?.message ?? 'is not valid'}`,
        );
      if (badText.length > 0) return;
      const employeeNumber = get('employee_number');
      const name = get('name');
      const existing = stored.cardholder(employeeNumber);
      // A column the file leaves out keeps what is stored, as an API update that does not name a field.
      const keptOr = <T>(column: Column, stored: T | undefined, fromFile: () => T): T =>
        stored !== undefined && !columns.includes(column) ? stored : fromFile();
      const kind = keptOr('kind', existing?.kind, () => get('kind') || 'employee');
      const state = keptOr('state', existing?.state, () => get('state') || 'active');
      if (!(CARDHOLDER_KINDS as readonly string[]).includes(kind))
        fail(`kind "${kind}" is not one of ${CARDHOLDER_KINDS.join(', ')}`);
      if (!(CARDHOLDER_STATES as readonly string[]).includes(state))
        fail(`state "${state}" is not one of ${CARDHOLDER_STATES.join(', ')}`);
      const levelIds = splitList(get('levels'));
      const groupIds = splitList(get('groups'));
      for (const l of levelIds) if (!idx.levels.has(l)) fail(`unknown level "${l}"`);
      for (const g of groupIds) if (!idx.groups.has(g)) fail(`unknown group "${g}"`);

      const fields = {
        name,
        department: keptOr('department', existing?.department, () => get('department') || null),
        directoryAccount: keptOr(
          'directory_account',
          existing?.directoryAccount,
          () => get('directory_account') || null,
        ),
        kind: kind as Cardholder['kind'],
        state: state as Cardholder['state'],
        levelIds: keptOr('levels', existing?.levelIds, () => levelIds),
        groupIds: keptOr('groups', existing?.groupIds, () => groupIds),
      };
      const planned = people.get(employeeNumber);
      if (planned) {
        const same = (Object.keys(fields) as (keyof typeof fields)[]).every(
          (k) => JSON.stringify(planned.record[k]) === JSON.stringify(fields[k]),
        );
        if (!same)
          fail(`cardholder ${employeeNumber} already appears on line ${planned.line} with other details`);
      } else {
        // A new record has the fields, in the order, of the index's own (`cardholderFrom`): the index takes it as it is.
        const record: Cardholder = existing
          ? { ...existing, ...fields }
          : {
              id: newId(),
              name: fields.name,
              employeeNumber,
              department: fields.department,
              directoryAccount: fields.directoryAccount,
              kind: fields.kind,
              state: fields.state,
              privileged: false,
              watchListed: false,
              levelIds: fields.levelIds,
              groupIds: fields.groupIds,
              hasPhoto: false,
            };
        const action = !existing
          ? 'create'
          : JSON.stringify(existing) === JSON.stringify(record)
            ? 'unchanged'
            : 'update';
        people.set(employeeNumber, { line, record, action });
      }
      const owner = people.get(employeeNumber)!.record;

      const format = get('credential_format');
      const typed = get('credential_number');
      if (!format && !typed) return;
      if (!(CREDENTIAL_FORMATS as readonly string[]).includes(format)) {
        fail(`credential_format "${format}" is not one of ${CREDENTIAL_FORMATS.join(', ')}`);
        return;
      }
      if (!typed || typed.length > 64) {
        fail('credential_number is required with a credential_format (at most 64 characters)');
        return;
      }
      const checked = checkCredentialNumber(format as CredentialFormat, typed);
      if (!checked.ok) {
        fail(`credential_number "${typed}": ${checked.message}`);
        return;
      }
      const number = checked.number;
      const key = `${format}/${number}`;
      const earlier = seenCredentials.get(key);
      if (earlier !== undefined) {
        fail(`credential ${format} ${number} already appears on line ${earlier}`);
        return;
      }
      seenCredentials.set(key, line);
      const current = stored.credential(format, number);
      if (current && current.cardholderId !== owner.id) {
        fail(`credential ${format} ${number} belongs to another cardholder`);
        return;
      }
      const credState = keptOr('credential_state', current?.state, () => get('credential_state') || 'active');
      if (!(CREDENTIAL_STATES as readonly string[]).includes(credState))
        fail(`credential_state "${credState}" is not one of ${CREDENTIAL_STATES.join(', ')}`);
      const validFrom = keptOr('valid_from', current?.validFrom, () =>
        time(get('valid_from'), line, 'valid_from', errors),
      );
      const validUntil = keptOr('valid_until', current?.validUntil, () =>
        time(get('valid_until'), line, 'valid_until', errors),
      );
      if (validFrom !== null && validUntil !== null && validUntil <= validFrom)
        fail('valid_until must come after valid_from');
      const record: CredentialRecord = current
        ? { ...current, state: credState as CredentialState, validFrom, validUntil }
        : {
            id: newId(),
            cardholderId: owner.id,
            format: format as CredentialFormat,
            number,
            hasPin: false,
            hasDuressPin: false,
            pinHash: null,
            duressPinHash: null,
            validFrom,
            validUntil,
            state: credState as CredentialState,
            expireUnusedDays: null,
            lastUsedAt: null,
            createdAt: now,
          };
      const action = !current
        ? 'create'
        : JSON.stringify(current) === JSON.stringify(record)
          ? 'unchanged'
          : 'update';
      credentials.push({ line, record, action });
    };
    let rowCount = 0;
    const planSegment = async (rows: readonly CsvRow[], from: number) => {
      for (let i = from; i < rows.length; i++) {
        rowCount += 1;
        // Past the error cap, rows are still counted and parsed: a syntax error further on is still reported.
        if (errors.length >= MAX_ERRORS) continue;
        if (pause.due()) await pause();
        planRow(rows[i]!);
      }
    };
    await planSegment(firstRows, 1);
    for await (const segment of segments) await planSegment(segment, 0);
    const count = <T extends { action: string }>(list: T[]) => ({
      create: list.filter((x) => x.action === 'create').length,
      update: list.filter((x) => x.action === 'update').length,
      unchanged: list.filter((x) => x.action === 'unchanged').length,
    });
    const cardholders = [...people.values()];
    return {
      report: {
        rows: rowCount,
        cardholders: count(cardholders),
        credentials: count(credentials),
        errors,
        sha256,
        applied: false,
      },
      cardholders,
      credentials,
    };
  }

  /**
   * The stored cardholder with an employee number and the stored credential
   * with a number, found through the decision index: most rows of a large file
   * are new, and a look-up in memory spares them two SQLite queries each. A
   * record the index has is read from the store, as it is there (its field
   * order, a card's last use, which the index does not follow).
   */
  private async storedLookups(pause: () => Promise<void>) {
    const byEmployeeNumber = new Map<string, string>();
    let n = 0;
    for (const c of this.access.engine.index.cardholders.values()) {
      if (c.employeeNumber !== null) byEmployeeNumber.set(c.employeeNumber, c.id);
      if (++n % 1000 === 0) await pause();
    }
    const store = this.access.store;
    return {
      cardholder: (employeeNumber: string): Cardholder | undefined => {
        const id = byEmployeeNumber.get(employeeNumber);
        return id === undefined ? undefined : store.get('cardholders', id);
      },
      credential: (format: string, number: string): CredentialRecord | undefined => {
        const known = this.access.engine.index.credentials.get(credentialKey(format, number));
        return known && store.credential(known.id);
      },
    };
  }

  /**
   * Applies a file with no errors in one transaction with its journal entries
   * (all or nothing), then updates the decision index (`AccessIndex.putAll`):
   * decisions see the old data or the new, never half. Data changed by someone
   * else between the plan and the transaction makes the transaction fail whole
   * (a unique credential number) or is overwritten by the file (a cardholder's
   * details), as the journal then shows. Every step that grows with the file
   * (entries, the index's new records) runs in slices between card reads.
   */
  async apply(bytes: Buffer, actor: Actor, fileName: string): Promise<ImportReport> {
    let planned: Plan | null = await this.plan(bytes);
    const report = planned.report;
    if (report.errors.length > 0) {
      throw new DomainError(
        'invalid',
        'import.has-errors',
        `the file has ${report.errors.length} error(s); fix them and try again`,
        { report },
      );
    }
    const work = await this.importCommit(planned, actor, fileName);
    // The plan is let go: the commit takes its entries and records out of `work` as it hands them on.
    planned = null;
    await this.access.records.commitImport(work);
    return { ...report, applied: true };
  }

  /** The entries and records an applied plan writes, made between card reads. */
  private async importCommit(
    { report, cardholders, credentials }: Plan,
    actor: Actor,
    fileName: string,
  ): Promise<ImportCommit> {
    const changedPeople = cardholders.filter((c) => c.action !== 'unchanged');
    const changedCreds = credentials.filter((c) => c.action !== 'unchanged');
    const pause = timeSlicer();
    // Payloads refer to the planned records rather than deep copies of them (20,000 copies for a
    // 10,000-row file, all alive until the commit, lengthened every GC pause meanwhile). Nothing
    // changes a planned record, and a record holds only JSON values (strings, numbers, booleans,
    // null, arrays of strings): the entry's canonical JSON is the same as the copy's.
    const json = (value: object) => value as JsonObject;
    const entries: JournalEntryInput[] = [
      {
        type: 'cardholder.imported',
        source: 'access',
        actor,
        payload: json({
          fileName,
          sha256: report.sha256,
          rows: report.rows,
          cardholders: { ...report.cardholders },
          credentials: { ...report.credentials },
        }),
      },
    ];
    const records: Cardholder[] = [];
    // The index's records: a new record is already in the index's form; an updated one keeps the stored fields' order.
    const people: Cardholder[] = [];
    for (const c of changedPeople) {
      if (pause.due()) await pause();
      records.push(c.record);
      people.push(c.action === 'create' ? c.record : cardholderFrom(c.record));
      entries.push({
        // Whole constants, not a string made per entry (each alive until the commit).
        type: c.action === 'create' ? 'cardholder.created' : 'cardholder.updated',
        source: 'access',
        actor,
        subjects: [{ kind: 'person' as const, id: c.record.id }],
        // The journal seals the personal paths in its own copy of the payload.
        payload: json({ id: c.record.id, via: 'import', line: c.line, record: c.record }),
        personal: personalRecord(c.record.id, 'record'),
      });
    }
    const creds: CredentialRecord[] = [];
    for (const c of changedCreds) {
      if (pause.due()) await pause();
      creds.push(c.record);
      entries.push({
        type: c.action === 'create' ? 'credential.created' : 'credential.updated',
        source: 'access',
        actor,
        subjects: [
          { kind: 'credential' as const, id: c.record.id },
          { kind: 'person' as const, id: c.record.cardholderId },
        ],
        payload: {
          id: c.record.id,
          via: 'import',
          line: c.line,
          format: c.record.format,
          number: c.record.number,
          state: c.record.state,
          validFrom: c.record.validFrom,
          validUntil: c.record.validUntil,
        },
      });
    }
    return { entries, cardholders: records, credentials: creds, indexed: people };
  }

  /** Every cardholder with their credentials, in the import's own format (round-trips). */
  export(): string {
    const idx = this.access.engine.index;
    const byOwner = new Map<string, CredentialRecord[]>();
    for (const c of idx.credentialsById.values())
      byOwner.set(c.cardholderId, [...(byOwner.get(c.cardholderId) ?? []), c]);
    const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
    const lines = [csvRecord(IMPORT_COLUMNS)];
    for (const p of idx.cardholders.values()) {
      const base = [
        p.employeeNumber ?? '',
        p.name,
        p.department ?? '',
        p.directoryAccount ?? '',
        p.kind,
        p.state,
        p.levelIds.join(';'),
        p.groupIds.join(';'),
      ];
      const creds = byOwner.get(p.id) ?? [];
      if (creds.length === 0) lines.push(csvRecord([...base, '', '', '', '', '']));
      for (const c of creds)
        lines.push(csvRecord([...base, c.format, c.number, c.state, iso(c.validFrom), iso(c.validUntil)]));
    }
    return lines.join('');
  }
}
