import { closeSync, openSync, readSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants } from 'node:perf_hooks';

/**
 * Finds what holds the event loop: a 1 ms timer notes every turn that came
 * late (a gap), GC pauses are taken from a `PerformanceObserver`, and, when
 * asked, a sampling CPU profile of this thread is cut at each gap, so each of
 * the longest gaps is reported with the GC time inside it and the functions
 * that ran in it. On Linux, the main thread's scheduler figures say how much
 * of each gap it ran and how much it waited for a core (on a loaded machine, a
 * gap can be the machine's, not the code's). `monitorEventLoopDelay` gives the longest stall; this says
 * what it was, which is how the next stall is found.
 */

/** A turn of the event loop that came this much later than its 1 ms timer asked. */
const GAP_MS = 10;
const SAMPLING_US = 250;

export interface Gap {
  /** Since the window started, on `performance.now()`'s clock. */
  atMs: number;
  ms: number;
  /** GC pause time inside the gap, and the kinds of those collections. */
  gcMs: number;
  gcKinds: string[];
  /** The main thread on a core, and waiting for one, during the gap (Linux; absent elsewhere). */
  cpuMs?: number;
  waitMs?: number;
  /** The functions the profile saw running in the gap (self time), most seen first: "name file:line n%". */
  self?: string[];
  /** The project's own frames on those stacks (inclusive), most seen first: who called into the self time. */
  via?: string[];
}

interface GcPause {
  start: number;
  end: number;
  kind: string;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const frameName = (n: ProfileNode) => {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules\/)/, '$1');
  const short = file.includes('node_modules') ? file : file.replace(/^.*\/dist\//, '');
  return `${functionName || '(anonymous)'}${short ? ` ${short}:${lineNumber + 1}` : ''}`;
};
const ownCode = (n: ProfileNode) =>
  n.callFrame.url.includes('/dist/') && !n.callFrame.url.includes('node_modules');

const top = (counts: Map<string, number>, total: number, n: number) =>
  [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, c]) => `${name} ${Math.round((100 * c) / total)}%`);

/**
 * Starts watching; `stop()` returns the gaps longer than `GAP_MS`, longest
 * first. With `stacks`, the thread is profiled meanwhile (which costs some
 * time of its own: compare stall figures of runs made the same way).
 */
export const watchGaps = async (options: { stacks: boolean }) => {
  const sched = schedStat();
  const gaps: { start: number; end: number; cpuMs?: number; waitMs?: number }[] = [];
  const pauses: GcPause[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      pauses.push({
        start: e.startTime,
        end: e.startTime + e.duration,
        kind: GC_KINDS[kind ?? -1] ?? String(kind),
      });
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  let session: Session | undefined;
  // The profile's clock (V8's, microseconds) and performance.now() both read the monotonic clock; note the offset.
  let profileOffsetMs = 0;
  if (options.stacks) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_US });
    profileOffsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();
    await session.post('Profiler.start');
  }
  // Started after the profiler, whose start is not the code's gap.
  const origin = performance.now();
  let last = origin;
  let lastSched = sched?.read();
  const timer = setInterval(() => {
    const now = performance.now();
    const nowSched = sched?.read();
    if (now - last - 1 >= GAP_MS)
      gaps.push({
        start: last,
        end: now,
        cpuMs: nowSched && lastSched && (nowSched.cpuNs - lastSched.cpuNs) / 1e6,
        waitMs: nowSched && lastSched && (nowSched.waitNs - lastSched.waitNs) / 1e6,
      });
    last = now;
    lastSched = nowSched;
  }, 1);

  return {
    async stop(): Promise<Gap[]> {
      clearInterval(timer);
      gc.disconnect();
      sched?.close();
      let profile: Profile | undefined;
      if (session) {
        profile = ((await session.post('Profiler.stop')) as { profile: Profile }).profile;
        session.disconnect();
      }
      const samples = profile ? sampleTimes(profile, profileOffsetMs) : [];
      const parents = new Map<number, ProfileNode>();
      const byId = new Map<number, ProfileNode>();
      for (const n of profile?.nodes ?? []) {
        byId.set(n.id, n);
        for (const c of n.children ?? []) parents.set(c, n);
      }
      return gaps
        .map(({ start, end, cpuMs, waitMs }) => {
          const inside = pauses.filter((p) => p.end > start && p.start < end);
          const gap: Gap = {
            atMs: Math.round(start - origin),
            ms: Math.round((end - start) * 10) / 10,
            gcMs:
              Math.round(
                inside.reduce((sum, p) => sum + Math.min(p.end, end) - Math.max(p.start, start), 0) * 10,
              ) / 10,
            gcKinds: [...new Set(inside.map((p) => p.kind))],
          };
          if (cpuMs !== undefined && waitMs !== undefined) {
            gap.cpuMs = Math.round(cpuMs * 10) / 10;
            gap.waitMs = Math.round(waitMs * 10) / 10;
          }
          if (profile) {
            const self = new Map<string, number>();
            const via = new Map<string, number>();
            let total = 0;
            for (const s of samples) {
              if (s.at < start || s.at > end) continue;
              const node = byId.get(s.node);
              if (!node || node.callFrame.functionName === '(idle)') continue;
              total += 1;
              const name = frameName(node);
              self.set(name, (self.get(name) ?? 0) + 1);
              // The nearest few of the project's own frames on this stack, each counted once.
              const seen = new Set<string>();
              for (let n: ProfileNode | undefined = node; n && seen.size < 3; n = parents.get(n.id))
                if (ownCode(n)) seen.add(frameName(n));
              for (const f of seen) via.set(f, (via.get(f) ?? 0) + 1);
            }
            gap.self = total ? top(self, total, 4) : [];
            gap.via = total ? top(via, total, 4) : [];
          }
          return gap;
        })
        .sort((a, b) => b.ms - a.ms);
    },
  };
};

/**
 * The main thread's time on a core and waiting for one, in ns
 * (`/proc/<pid>/task/<pid>/schedstat`, a couple of microseconds a read), or
 * undefined where there is no such file.
 */
const schedStat = () => {
  let fd: number;
  try {
    fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(96);
  return {
    read() {
      const [cpu, wait] = buffer.toString('latin1', 0, readSync(fd, buffer, 0, 96, 0)).split(' ');
      return { cpuNs: Number(cpu), waitNs: Number(wait) };
    },
    close: () => closeSync(fd),
  };
};

/** Each sample's time on `performance.now()`'s clock. */
const sampleTimes = (profile: Profile, offsetMs: number) => {
  const out: { at: number; node: number }[] = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    out.push({ at: t / 1000 - offsetMs, node: profile.samples[i]! });
  }
  return out;
};

/** One line per gap, for the bench's output. */
export const describeGap = (g: Gap): string =>
  [
    `  ${g.ms} ms at +${g.atMs} ms: GC ${g.gcMs} ms${g.gcKinds.length ? ` (${g.gcKinds.join(', ')})` : ''}`,
    g.cpuMs !== undefined
      ? `; on a core ${g.cpuMs} ms, waiting for one ${g.waitMs} ms, neither (blocked: I/O, a lock, page faults) ${Math.max(0, Math.round((g.ms - g.cpuMs - (g.waitMs ?? 0)) * 10) / 10)} ms`
      : '',
    g.self?.length ? `\n    running: ${g.self.join('; ')}` : '',
    g.via?.length ? `\n    via: ${g.via.join('; ')}` : '',
  ].join('');
