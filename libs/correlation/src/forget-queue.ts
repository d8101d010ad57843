/**
 * Which timelines hold a fact the horizon is about to forget: a min-heap of
 * (event time, timeline) per fact added, so a tick prunes only the timelines
 * that have something to forget instead of walking every person on record
 * every time (that walk was most of the rules' time over a week).
 */
export class ForgetQueue {
  private readonly heap: { at: number; key: string }[] = [];

  /** A fact at `at` was added to timeline `key`; -Infinity asks for a look at the next tick. */
  push(at: number, key: string): void {
    const h = this.heap;
    h.push({ at, key });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= at) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  /** The timelines with a fact older than `oldest`, taken off the queue. */
  due(oldest: number): Set<string> {
    const out = new Set<string>();
    const h = this.heap;
    while (h.length > 0 && h[0]!.at < oldest) {
      out.add(h[0]!.key);
      const last = h.pop()!;
      if (h.length === 0) break;
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.at < h[m]!.at) m = l;
        if (r < h.length && h[r]!.at < h[m]!.at) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return out;
  }
}
