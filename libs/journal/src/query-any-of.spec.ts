import type { SubjectKind } from '@gatehouse/contracts';
import { buildJournalQuery, MAX_GROUP_SUBJECTS } from './query';

const person = (id: string) => ({ kind: 'person' as const, id });

describe('journal queries over groups of subjects (a name that matches several people)', () => {
  it('asks for entries about any subject of each group, every group at once, parameters in order', () => {
    const q = buildJournalQuery(
      { anyOf: [[person('p1'), person('p2')], [{ kind: 'door', id: 'd1' }]], from: '2026-06-01T00:00:00Z' },
      'desc',
      { limit: 10 },
    );
    expect(q.sql).toContain(
      'e.seq IN (SELECT seq FROM journal_subjects WHERE (kind = ? AND ref = ?) OR (kind = ? AND ref = ?))',
    );
    expect(q.sql).toContain('e.seq IN (SELECT seq FROM journal_subjects WHERE (kind = ? AND ref = ?))');
    expect(q.params).toEqual([
      'person',
      'p1',
      'person',
      'p2',
      'door',
      'd1',
      Date.parse('2026-06-01T00:00:00Z'),
      10,
    ]);
  });

  it('finds nothing for a group that matched nothing (a name nobody has), rather than everything', () => {
    expect(buildJournalQuery({ anyOf: [[]] }, 'desc').sql).toMatch(/WHERE 0 ORDER BY/);
  });

  it('refuses a group too large to be a search, and a subject kind it does not know', () => {
    const many = Array.from({ length: MAX_GROUP_SUBJECTS + 1 }, (_, i) => person(`p${i}`));
    expect(() => buildJournalQuery({ anyOf: [many] }, 'desc')).toThrow(/at most 200/);
    expect(() =>
      buildJournalQuery({ anyOf: [[{ kind: 'planet' as SubjectKind, id: 'x' }]] }, 'desc'),
    ).toThrow(/unknown subject kind planet/);
  });
});
