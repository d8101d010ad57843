import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEntry } from '@gatehouse/contracts';
import {
  hiddenProperties,
  may,
  permissionsMarkdown,
  permissionsOf,
  redactEntryFor,
  redactFor,
  seesAlarm,
} from './permissions';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'permissions.md');

describe('the permission matrix', () => {
  it('is the table in docs/permissions.md', () => {
    if (process.env.GATEHOUSE_WRITE_DOCS === '1') writeFileSync(DOC, permissionsMarkdown());
    expect(readFileSync(DOC, 'utf8')).toBe(permissionsMarkdown());
  });

  it('gives reception a host lookup and nothing a guard or investigator needs', () => {
    const hidden = hiddenProperties(['reception']);
    for (const p of [
      'employeeNumber',
      'directoryAccount',
      'watchListed',
      'privileged',
      'levelIds',
      'credentials',
    ])
      expect(hidden.has(p)).toBe(true);
    expect(hidden.has('department')).toBe(false);
    expect(
      redactFor(['reception'], { id: 'c1', name: 'Ann', watchListed: true, employeeNumber: 'E1' }),
    ).toEqual({
      id: 'c1',
      name: 'Ann',
    });
  });

  it('lets only facility managers export cardholders and see PIN state', () => {
    for (const role of ['admin', 'auditor', 'responder', 'guard', 'reception'] as const) {
      expect(may([role], 'cardholders.export')).toBe(false);
      expect(hiddenProperties([role]).has('hasDuressPin')).toBe(true);
    }
    expect(may(['facility-manager'], 'cardholders.export')).toBe(true);
    expect(hiddenProperties(['facility-manager']).size).toBe(0);
  });

  it('answers the union over several roles', () => {
    const both = permissionsOf(['reception', 'guard']);
    expect(both.actions).toEqual(expect.arrayContaining(['doors.control', 'presence.read', 'journal.note']));
    expect(both.fields).toContain('watchListed');
    expect(both.fields).not.toContain('employeeNumber');
    expect(permissionsOf([]).actions).toEqual([]);
  });

  describe('journal entries', () => {
    const entry = (type: string, subjects: JournalEntry['subjects'], payload: JournalEntry['payload']) =>
      ({
        seq: 1,
        time: '2026-01-01T00:00:00.000Z',
        type,
        source: 'access',
        subjects,
        payload,
        timeSource: 'gateway',
      }) as JournalEntry;
    const created = entry('cardholder.created', [{ kind: 'person', id: 'p1' }], {
      id: 'p1',
      changes: {
        name: { from: null, to: 'Ann' },
        employeeNumber: { from: null, to: 'E1' },
        directoryAccount: { from: null, to: 'CORP\\ann' },
        watchListed: { from: null, to: true },
      },
    });
    const granted = entry(
      'access.granted',
      [
        { kind: 'person', id: 'p1' },
        { kind: 'credential', id: 'c1' },
      ],
      { cardholderId: 'p1', credential: { format: 'H10301', number: '7:1' }, reason: 'granted' },
    );

    it('leaves out, at any depth, the fields the matrix hides, and says which', () => {
      const seen = redactEntryFor(['auditor'], created);
      expect(seen.payload).toEqual({
        id: 'p1',
        changes: { name: { from: null, to: 'Ann' }, employeeNumber: { from: null, to: 'E1' } },
      });
      expect(seen).toMatchObject({ redacted: ['directoryAccount', 'watchListed'] });
    });

    it("hides a card's number from roles that do not see credentials", () => {
      expect(redactEntryFor(['admin'], granted)).toMatchObject({
        payload: { cardholderId: 'p1', reason: 'granted' },
        redacted: ['credential'],
      });
      expect(redactEntryFor(['guard'], granted)).toBe(granted);
    });

    it('returns the entry itself when nothing is hidden or it is about no person or credential', () => {
      expect(redactEntryFor(['facility-manager'], created)).toBe(created);
      const group = entry('level.group.created', [], {
        id: 'g',
        changes: { levelIds: { from: null, to: ['l'] } },
      });
      expect(redactEntryFor(['reception'], group)).toBe(group);
    });

    it('tells no role without the watch-list flag that a person is watch-listed, by an alarm or a decision', () => {
      const alarmRaised = entry(
        'alarm.raised',
        [
          { kind: 'alarm', id: 'a1' },
          { kind: 'door', id: 'front' },
          { kind: 'person', id: 'p1' },
        ],
        {
          alarmId: 'a1',
          type: 'watch-listed-credential-used',
          priority: 'high',
          state: 'new',
          doorId: 'front',
          cardholderId: 'p1',
        },
      );
      const decided = entry('access.granted', [{ kind: 'person', id: 'p1' }], {
        cardholderId: 'p1',
        reason: 'granted',
        alarms: [
          { type: 'watch-listed-credential-used', priority: 'high', silent: true },
          { type: 'anti-passback' },
        ],
      });
      for (const role of ['admin', 'auditor', 'reception'] as const) {
        expect(redactEntryFor([role], alarmRaised)).toEqual({
          ...alarmRaised,
          subjects: [
            { kind: 'alarm', id: 'a1' },
            { kind: 'door', id: 'front' },
          ],
          payload: { alarmId: 'a1', state: 'new', doorId: 'front' },
          redacted: ['watchListed'],
        });
        const seen = redactEntryFor([role], decided);
        expect(seen.payload.alarms).toEqual([{ type: 'anti-passback' }]);
        expect(seen.redacted).toContain('watchListed');
      }
      for (const role of ['guard', 'responder', 'facility-manager'] as const) {
        expect(redactEntryFor([role], alarmRaised).payload).toEqual(alarmRaised.payload);
        expect(redactEntryFor([role], decided).payload.alarms).toHaveLength(2);
      }
      expect(seesAlarm(['auditor'], 'watch-listed-credential-used')).toBe(false);
      expect(seesAlarm(['auditor'], 'forced-open')).toBe(true);
      expect(seesAlarm(['auditor', 'guard'], 'watch-listed-credential-used')).toBe(true);
    });
  });
});
