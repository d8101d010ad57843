import { z } from 'zod';
import { issueInWords } from './issue-words';

const said = (schema: z.ZodType, value: unknown): string[] => {
  const r = schema.safeParse(value, { error: issueInWords });
  if (r.success) throw new Error('expected a refusal');
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('a refused field in words', () => {
  it("says what is wrong as a person would, never zod's wording", () => {
    const schema = z.strictObject({
      name: z.string().min(1).max(5),
      password: z.string().min(12),
      days: z.number().int().min(1).max(3650),
      roles: z.array(z.enum(['guard', 'auditor'])).min(1),
      kind: z.enum(['entry', 'exit']),
      at: z.iso.datetime(),
      open: z.boolean(),
    });
    expect(
      said(schema, {
        name: 'far too long',
        password: 'short',
        days: 2.5,
        roles: [],
        kind: 'side',
        at: 'noon',
      }),
    ).toEqual([
      'name: must be at most 5 characters',
      'password: must be at least 12 characters',
      'days: must be a whole number',
      'roles: needs at least one item',
      'kind: must be one of: entry, exit',
      'at: must be a date and time (ISO 8601, e.g. 2026-05-01T08:00:00Z)',
      'open: is required',
    ]);
    expect(said(schema.shape.name, '')).toEqual([': is required']);
    expect(said(schema.shape.days, 0)).toEqual([': must be at least 1']);
    expect(said(schema.shape.roles, ['root'])).toEqual(['0: must be one of: guard, auditor']);
    expect(said(schema.shape.open, 'yes')).toEqual([': must be yes or no (true or false)']);
    for (const line of said(schema, {}))
      expect(line).not.toMatch(/Too small|Too big|Invalid|expected|received|>=|<=/);
  });

  it("keeps a schema's own message: a field with something better to say says it there", () => {
    const code = z.string().regex(/^\d{6}$/, 'must be the six digits your authenticator app shows');
    expect(said(code, '12')).toEqual([': must be the six digits your authenticator app shows']);
    expect(said(z.string().regex(/^a+$/), 'b')).toEqual([': must be in the form this field takes']);
  });
});
