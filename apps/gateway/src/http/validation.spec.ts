import { z } from 'zod';
import { isDomainError } from '@gatehouse/contracts';
import { MAX_ISSUES, ZodPipe } from './validation';

const refusal = (pipe: ZodPipe<z.ZodType>, value: unknown, type: 'body' | 'query') => {
  try {
    pipe.transform(value, { type, metatype: undefined, data: undefined });
  } catch (error) {
    if (isDomainError(error)) return error;
  }
  throw new Error('expected a refusal');
};

describe('request validation', () => {
  it('lists at most MAX_ISSUES problems, and at most as many unknown field names, and counts the rest', () => {
    const pipe = new ZodPipe(z.strictObject({ ids: z.array(z.string()) }));
    const manyBad = refusal(pipe, { ids: Array.from({ length: 1000 }, (_, i) => i) }, 'body');
    expect(manyBad.details.issues).toHaveLength(MAX_ISSUES);
    expect(manyBad.details.moreIssues).toBe(1000 - MAX_ISSUES);
    expect(manyBad.message).toContain(`and ${1000 - 5} more`);

    const unknown = refusal(
      pipe,
      Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 1])),
      'body',
    );
    expect(JSON.stringify(unknown.details).length).toBeLessThan(3000);
    expect(unknown.message).toContain(`and ${10_000 - MAX_ISSUES} more`);
  });

  it('names where the problem is: body or query', () => {
    const pipe = new ZodPipe(z.strictObject({ limit: z.coerce.number().int() }));
    expect(refusal(pipe, { limit: 'abc' }, 'query')).toMatchObject({
      message: expect.stringMatching(/^query does not match: limit:/),
      details: { in: 'query', issues: [{ in: 'query', path: 'limit' }] },
    });
    expect(refusal(pipe, 'text', 'body').details).toMatchObject({ in: 'body', issues: [{ path: '(body)' }] });
  });

  it('says each problem in words, a schema’s own message first, and names unknown fields', () => {
    const pipe = new ZodPipe(
      z.strictObject({
        token: z.string().regex(/^gbt_/, 'must be the code the gateway printed'),
        password: z.string().min(12),
        username: z.string().min(1),
      }),
    );
    expect(refusal(pipe, { token: 'x', password: 'short', extra: 1 }, 'body').details.issues).toEqual([
      { in: 'body', path: 'token', message: 'must be the code the gateway printed' },
      { in: 'body', path: 'password', message: 'must be at least 12 characters' },
      { in: 'body', path: 'username', message: 'is required' },
      { in: 'body', path: '(body)', message: 'has unknown field(s): extra' },
    ]);
  });
});
