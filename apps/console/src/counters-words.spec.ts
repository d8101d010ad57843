import { countersInWords } from './words';

describe('a line’s counters in words', () => {
  it('says one of a thing in the singular and more in the plural, and a dash when all are zero', () => {
    expect(countersInWords({ badFrames: 1, framesIn: 1204, retries: 1, timeouts: 2 })).toBe(
      '1 damaged message, 1,204 messages received, 1 retry, 2 no replies',
    );
    expect(countersInWords({ bridgeBadFrames: 1, naks: 1, sessions: 1 })).toBe(
      '1 damaged message at the bridge, 1 refusal by the reader, 1 secure session',
    );
    expect(countersInWords({ framesIn: 0 })).toBe('—');
  });
});
