import { latestRead } from './latest-read';

describe('latestRead', () => {
  it('applies only the answer of the latest read, whichever answers last', async () => {
    const answers: ((value: string) => void)[] = [];
    const applied: string[] = [];
    const reread = latestRead(
      () => new Promise<string>((resolve) => answers.push(resolve)),
      (value) => applied.push(value),
    );
    const first = reread();
    const second = reread();
    answers[1]!('after the alarm was resolved');
    await second;
    answers[0]!('before it was resolved');
    await first;
    expect(applied).toEqual(['after the alarm was resolved']);
  });

  it('applies each answer when reads do not overlap', async () => {
    const applied: number[] = [];
    let n = 0;
    const reread = latestRead(
      async () => ++n,
      (value) => applied.push(value),
    );
    await reread();
    await reread();
    expect(applied).toEqual([1, 2]);
  });
});
