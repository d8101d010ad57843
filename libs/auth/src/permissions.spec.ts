import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hiddenProperties, may, permissionsMarkdown, permissionsOf, redactFor } from './permissions';

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
});
