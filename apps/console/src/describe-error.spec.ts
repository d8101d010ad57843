import { ApiError, describeError, fieldWords } from './api';

describe('errors as the operator reads them', () => {
  it('names each refused field in words, never by its schema path', () => {
    const refused = new ApiError(400, 'request.invalid', 'body does not match: token: …', {
      in: 'body',
      issues: [
        { in: 'body', path: 'token', message: 'must be the 36-character code starting with "gbt_"' },
        { in: 'body', path: 'intervals.1.end', message: 'must be a time (HH:MM)' },
        { in: 'body', path: '(body)', message: 'has unknown field(s): extra' },
      ],
    });
    expect(describeError(refused)).toBe(
      'Bootstrap token: must be the 36-character code starting with "gbt_". ' +
        'Interval 2, end: must be a time (HH:MM). The request: has unknown field(s): extra.',
    );
  });

  it("says the gateway's own sentence as a sentence, and a network failure in words", () => {
    expect(
      describeError(
        new ApiError(403, 'auth.bootstrap-refused', 'the bootstrap token is wrong, used or expired'),
      ),
    ).toBe('The bootstrap token is wrong, used or expired.');
    expect(
      describeError(new ApiError(409, 'schedule.invalid', 'interval 2 overlaps interval 1 on Tuesday')),
    ).toBe('Interval 2 overlaps interval 1 on Tuesday.');
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/^The gateway did not answer/);
  });

  it('reads a field path as words', () => {
    expect(fieldWords('expiresInDays')).toBe('Days valid');
    expect(fieldWords('holidayIntervals.0.start')).toBe('Holiday interval 1, start');
    expect(fieldWords('roles.2')).toBe('Role 3');
  });
});
