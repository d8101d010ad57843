import { timeSlicer } from './time-slicer';

/** Records a mark at every turn of the event loop (an immediate that books the next) until stopped. */
const turnMarks = (log: string[]) => {
  let on = true;
  const mark = () => {
    if (!on) return;
    log.push('turn');
    setImmediate(mark);
  };
  setImmediate(mark);
  return () => (on = false);
};

describe('timeSlicer', () => {
  it('returns at once while the budget lasts', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('turn'));
    const pause = timeSlicer(60_000);
    for (let i = 0; i < 1000; i++) await pause();
    expect(log).toEqual([]);
  });

  it('says whether it would yield: not while the budget lasts, then until it has yielded', async () => {
    expect(timeSlicer(0).due()).toBe(true);
    const pause = timeSlicer(150);
    expect(pause.due()).toBe(false);
    // The budget spent by work (a bounded busy loop on the clock the slicer reads).
    const until = performance.now() + 160;
    let spins = 0;
    while (performance.now() < until) spins += 1;
    expect(spins).toBeGreaterThan(0);
    expect(pause.due()).toBe(true);
    expect(pause.due()).toBe(true);
    await pause();
    expect(pause.due()).toBe(false);
  });

  it('lets the event loop turn once the budget is spent', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('turn'));
    await timeSlicer(0)();
    expect(log).toEqual(['turn']);
  });

  it('runs one slice per turn when several long jobs yield at once', async () => {
    const log: string[] = [];
    const stop = turnMarks(log);
    const job = async (name: string) => {
      const pause = timeSlicer(0);
      for (let i = 0; i < 5; i++) {
        log.push(name);
        await pause();
      }
    };
    await Promise.all([job('a'), job('b'), job('c')]);
    stop();
    const slices = log.filter((m) => m !== 'turn');
    expect(slices).toHaveLength(15);
    // Every job got its slices, in turn (oldest waiting first), and no two slices shared a turn.
    expect(slices.slice(3, 9)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    const afterFirst = log.slice(log.indexOf('turn'));
    afterFirst.forEach((m, i) => {
      if (m !== 'turn') expect(afterFirst[i - 1]).toBe('turn');
    });
  });
});
