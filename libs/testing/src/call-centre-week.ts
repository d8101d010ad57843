import {
  type BadgeEvent,
  type CorrelationEvent,
  CorrelationEngine,
  defaultSettings,
  type DenialEvent,
  type LoginEvent,
  type RuleId,
} from '@gatehouse/correlation';

/**
 * A working week of a call centre, as the correlation rules see it: people
 * on two shifts badge in at their floor's door, log on at their desk, lock
 * and badge out for breaks, come back, log off and leave. Around that, what
 * real sites send: workstation clocks a few seconds off, deliveries late by
 * up to two and a half minutes (and so out of order), remote sessions from
 * home through the jump host, service accounts that map to nobody, people
 * who forget to badge out, and one outage of the link from ten desks whose
 * backlog arrives later than any grace. Into it, labelled breaches of every rule. A label
 * names the rule and the facts an alert must cite to count as detecting it.
 *
 * Written down with the generator (the product's judgement, not the rules'):
 * - a person who tailgates in and then logs on has no badge-in: breach;
 * - a forgotten badge-out followed by the next day's badge-in and logon: not;
 * - a remote (type 10) session through the jump host without presence: not;
 * - a colleague unlocking the desk of someone who has badged out: breach
 *   (login after badge-out), as is leaving without locking (session still
 *   open after badge-out);
 * - one account active at two desks at once, or a logon at a desk in a zone
 *   the person never entered that day: credential sharing;
 * - the same card at two floors' doors closer than the walk between them:
 *   impossible travel (a cloned card);
 * - four refused reads of an unknown card at one door in five minutes: a
 *   denial burst;
 * - a leaver's account used from home after they left: leaver activity.
 */
export interface Label {
  rule: RuleId;
  personId: string | null;
  /** An alert that cites any of these facts in its evidence detects this breach. */
  factIds: string[];
  what: string;
}

/** A fact and when it reaches the gateway. */
export interface Delivery {
  fact: CorrelationEvent;
  arrivesAt: number;
}

export interface Week {
  deliveries: Delivery[];
  labels: Label[];
  people: number;
  logins: number;
  /** Walking time between floor readers, for the impossible-travel rule. */
  walkingMs: (a: string, b: string) => number | null;
  start: number;
  end: number;
}

export interface WeekOptions {
  people?: number;
  seed?: number;
  /** Breaches of each kind injected over the week. */
  breachesPerRule?: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const FLOORS = 4;
/** Monday 2026-11-02, midnight UTC (the rules' default day start). */
const MONDAY = Date.parse('2026-11-02T00:00:00Z');

/** A small, seeded generator: the same seed gives the same week. */
const rng = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const callCentreWeek = (o: WeekOptions = {}): Week => {
  const people = o.people ?? 500;
  const random = rng(o.seed ?? 7);
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const chance = (p: number) => random() < p;
  const deliveries: Delivery[] = [];
  const labels: Label[] = [];
  let seq = 0;
  let logins = 0;
  const nextId = () => `w${++seq}`;

  const floorOf = (p: number) => 1 + (p % FLOORS);
  const reader = (floor: number) => `r-floor-${floor}`;
  const zone = (floor: number) => `floor-${floor}`;
  const host = (p: number) => `ws-${String(p).padStart(3, '0')}`;
  /** Each workstation's clock is off by a few seconds, for good. */
  const skew = Array.from({ length: people }, () => Math.round(between(-5_000, 5_000)));

  /** Most facts arrive at once; some late (a link that buffered), never later than the grace. */
  const arrival = (at: number, kind: 'badge' | 'login') => {
    const r = random();
    if (kind === 'badge') return at + (r < 0.97 ? between(0, 500) : between(30_000, 150_000));
    return (
      at + (r < 0.8 ? between(200, 2_000) : r < 0.95 ? between(2_000, 60_000) : between(60_000, 150_000))
    );
  };
  const deliver = (
    fact: CorrelationEvent,
    arrivesAt = arrival(fact.at, fact.kind === 'badge' ? 'badge' : 'login'),
  ) => deliveries.push({ fact, arrivesAt });

  const badge = (p: number, at: number, floor: number, dir: 'in' | 'out', personId = `p${p}`): BadgeEvent => {
    const f: BadgeEvent = {
      kind: 'badge',
      id: nextId(),
      at: Math.round(at),
      personId,
      doorId: `floor-${floor}-door`,
      readerId: reader(floor),
      zone: dir === 'in' ? zone(floor) : null,
      fromZone: dir === 'out' ? zone(floor) : null,
    };
    deliver(f);
    return f;
  };
  const session = new Map<number, number>();
  const login = (
    p: number,
    at: number,
    action: LoginEvent['action'],
    o: Partial<LoginEvent> & { atHost?: number } = {},
  ): LoginEvent => {
    const desk = o.atHost ?? p;
    // A desk's own sessions are numbered; a logon by someone else at it, or
    // elsewhere, names its own session so the desk's owner keeps theirs.
    const own = o.atHost === undefined && o.sessionKey === undefined;
    if (action === 'logon' && own) session.set(desk, (session.get(desk) ?? 0) + 1);
    const f: LoginEvent = {
      kind: 'login',
      id: nextId(),
      at: Math.round(at + skew[desk]!),
      action,
      account: `corp\\p${p}`,
      personId: `p${p}`,
      host: host(desk),
      zone: zone(floorOf(desk)),
      remote: false,
      sessionKey: `0x${(desk * 1000 + (session.get(desk) ?? 0)).toString(16)}`,
      source: 'winlogbeat',
      ...o,
    };
    delete (f as { atHost?: number }).atHost;
    if (action === 'logon' || action === 'unlock') logins++;
    deliver(f);
    return f;
  };

  // Which person-days carry which breach: chosen up front, each at most one per person-day.
  const perRule = o.breachesPerRule ?? 5;
  const kinds = [
    'tailgate-in',
    'colleague-unlocks',
    'leaves-unlocked',
    'two-desks',
    'wrong-floor',
    'cloned-card',
  ] as const;
  type Kind = (typeof kinds)[number];
  const planned = new Map<string, Kind>();
  for (const k of kinds)
    for (let i = 0; i < perRule; i++) {
      let key: string;
      do key = `${Math.floor(random() * people)}:${Math.floor(random() * 5)}`;
      while (planned.has(key));
      planned.set(key, k);
    }
  const leaver = people - 1;

  for (let day = 0; day < 5; day++) {
    const midnight = MONDAY + day * DAY;
    for (let p = 0; p < people; p++) {
      if (p === leaver && day >= 2) continue; // left on Tuesday evening
      const breach = planned.get(`${p}:${day}`);
      const floor = floorOf(p);
      const late = p % 3 === 0;
      let t = midnight + (late ? 13 : 8) * HOUR + between(-10 * MIN, 10 * MIN);
      if (breach === 'tailgate-in') {
        const l = login(p, t + between(2 * MIN, 6 * MIN), 'logon');
        labels.push({
          rule: 'login-without-badge-in',
          personId: `p${p}`,
          factIds: [l.id],
          what: 'tailgated in, then logged on',
        });
        t = l.at;
      } else {
        const entry = badge(p, t, floor, 'in');
        t = entry.at + between(2 * MIN, 6 * MIN);
        const wrongFloor = breach === 'wrong-floor';
        const desk = wrongFloor ? (p + 1) % people : p;
        const l = login(p, t, 'logon', wrongFloor ? { atHost: desk, sessionKey: `wrong-${p}-${day}` } : {});
        if (wrongFloor)
          labels.push({
            rule: 'credential-sharing',
            personId: `p${p}`,
            factIds: [l.id],
            what: 'logged on at a desk on a floor they never entered',
          });
        if (breach === 'cloned-card') {
          const clone = badge(p, entry.at + between(10_000, 40_000), 1 + (floor % FLOORS), 'in');
          labels.push({
            rule: 'impossible-travel',
            personId: `p${p}`,
            factIds: [clone.id],
            what: 'the same card at another floor within seconds',
          });
        }
        if (wrongFloor) {
          login(p, t + 3 * HOUR, 'logoff', { atHost: desk, sessionKey: `wrong-${p}-${day}` });
          badge(p, t + 3 * HOUR + between(MIN, 3 * MIN), floor, 'out');
          continue;
        }
      }
      // Two breaks: lock, badge out, come back, badge in, unlock.
      for (let b = 0; b < 2; b++) {
        t += between(90 * MIN, 150 * MIN);
        const leavesUnlocked = breach === 'leaves-unlocked' && b === 0;
        if (!leavesUnlocked) login(p, t, 'lock');
        const out = badge(p, t + between(10_000, 60_000), floor, 'out');
        if (leavesUnlocked)
          labels.push({
            rule: 'session-after-badge-out',
            personId: `p${p}`,
            factIds: [out.id],
            what: 'left for a break without locking',
          });
        const back = out.at + between(10 * MIN, 20 * MIN);
        if (breach === 'colleague-unlocks' && b === 1) {
          const u = login(p, out.at + between(5 * MIN, 9 * MIN), 'unlock');
          labels.push({
            rule: 'login-after-badge-out',
            personId: `p${p}`,
            factIds: [u.id],
            what: 'a colleague unlocked the desk of someone on a break',
          });
          login(p, u.at + MIN, 'lock');
        }
        if (breach === 'two-desks' && b === 0) {
          const other = (p + FLOORS) % people; // a desk on the same floor
          const second = login(p, t - 30 * MIN, 'logon', { atHost: other, sessionKey: `second-${p}-${day}` });
          labels.push({
            rule: 'credential-sharing',
            personId: `p${p}`,
            factIds: [second.id],
            what: 'one account active at two desks at once',
          });
          login(p, t - 10 * MIN, 'logoff', { atHost: other, sessionKey: `second-${p}-${day}` });
        }
        badge(p, back, floor, 'in');
        t = back + between(MIN, 3 * MIN);
        if (!leavesUnlocked) login(p, t, 'unlock');
      }
      t += between(60 * MIN, 120 * MIN);
      login(p, t, 'logoff');
      // Some forget to badge out (they follow someone through the door): no breach.
      if (!chance(0.03)) badge(p, t + between(MIN, 3 * MIN), floor, 'out');
      // An evening session from home through the jump host: remote, no presence expected.
      if (chance(0.05)) {
        const home = t + between(2 * HOUR, 4 * HOUR);
        login(p, home, 'logon', { host: 'jump-1', zone: null, remote: true, sessionKey: `r${p}-${day}` });
        login(p, home + 40 * MIN, 'logoff', {
          host: 'jump-1',
          zone: null,
          remote: true,
          sessionKey: `r${p}-${day}`,
        });
      }
    }
    // Service accounts map to nobody: counted, never alerted on.
    for (let s = 0; s < 20; s++)
      login(0, midnight + between(0, DAY), 'logon', {
        account: `corp\\svc_backup${s}`,
        personId: null,
        host: 'srv-1',
        zone: null,
        sessionKey: `svc-${day}-${s}`,
      });
    // Denial bursts: someone tries an unknown card at a floor door.
    for (let i = 0; i < perRule && day === 2; i++) {
      const at = midnight + between(9 * HOUR, 17 * HOUR);
      const floor = 1 + (i % FLOORS);
      const tries: DenialEvent[] = [0, 1, 2, 3].map((k) => ({
        kind: 'denial',
        id: nextId(),
        at: Math.round(at + k * between(30_000, 70_000)),
        personId: null,
        credentialKey: `H10301:99:${1000 + i}`,
        readerId: reader(floor),
        doorId: `floor-${floor}-door`,
        reason: 'unknown-card',
      }));
      for (const d of tries) deliver(d, d.at + between(0, 500));
      labels.push({
        rule: 'denial-burst',
        personId: null,
        factIds: tries.map((d) => d.id),
        what: 'an unknown card tried again and again',
      });
    }
  }
  // The leaver: suspended on Tuesday evening, logs on from home on Thursday.
  const leftAt = MONDAY + DAY + 20 * HOUR;
  deliver({ kind: 'status', id: nextId(), at: leftAt, personId: `p${leaver}`, leaver: true }, leftAt + 1000);
  const misuse = login(leaver, MONDAY + 3 * DAY + 21 * HOUR, 'logon', {
    host: 'jump-1',
    zone: null,
    remote: true,
    sessionKey: 'leaver',
  });
  labels.push({
    rule: 'leaver-activity',
    personId: `p${leaver}`,
    factIds: [misuse.id],
    what: "a leaver's account used after they left",
  });

  // Wednesday 10:00-10:30: the link from ten desks to the gateway is down, and
  // their shipper sends the backlog at 10:35, later than any grace. Alerts
  // raised meanwhile (a lock before a break not yet heard of) are withdrawn
  // when the backlog lands: the product's rule, measured as `withdrawn`.
  const outageFrom = MONDAY + 2 * DAY + 10 * HOUR;
  const cut = new Set(Array.from({ length: 10 }, () => host(Math.floor(random() * people))));
  for (const d of deliveries)
    if (
      d.fact.kind === 'login' &&
      cut.has(d.fact.host) &&
      d.fact.at >= outageFrom &&
      d.fact.at < outageFrom + 30 * MIN
    )
      d.arrivesAt = outageFrom + 35 * MIN + between(0, 5_000);
  deliveries.sort((a, b) => a.arrivesAt - b.arrivesAt);
  const floorNo = (r: string) => Number(r.slice('r-floor-'.length));
  return {
    deliveries,
    labels,
    people,
    logins,
    // Three minutes per floor apart, by the stairs.
    walkingMs: (a, b) =>
      a.startsWith('r-floor-') && b.startsWith('r-floor-')
        ? Math.abs(floorNo(a) - floorNo(b)) * 3 * MIN
        : null,
    start: MONDAY,
    end: MONDAY + 5 * DAY,
  };
};

/** What a run of the rules over a week found, against its labels. */
export interface WeekScore {
  injected: number;
  detected: number;
  recall: number;
  /** Alerts raised that cite no label, whether or not a late fact withdrew them later. */
  false_alerts: number;
  false_alerts_per_1000_logins: number;
  /** False alerts still standing at the end (not withdrawn by the facts that arrived late). */
  false_alerts_standing: number;
  withdrawn: number;
  /** The labels no alert cited, and the alerts that cite no label: what to look at. */
  missed: Label[];
  falseAlerts: { rule: RuleId; personId: string | null; summary: string }[];
}

/** The alerts' side of a run: every alert raised, and how many were withdrawn. */
export interface WeekRun {
  raised: {
    key: string;
    rule: RuleId;
    personId: string | null;
    summary: string;
    evidence: { id: string }[];
  }[];
  withdrawn: number;
  /** Keys of the alerts standing at the end. */
  standing: ReadonlySet<string>;
}

export const scoreWeek = (week: Week, run: WeekRun): WeekScore => {
  const cites = (a: WeekRun['raised'][number], l: Label) =>
    a.rule === l.rule && a.evidence.some((f) => l.factIds.includes(f.id));
  const missed = week.labels.filter((l) => !run.raised.some((a) => cites(a, l)));
  const falseRaised = run.raised.filter((a) => !week.labels.some((l) => cites(a, l)));
  const falseAlerts = falseRaised.map(({ rule, personId, summary }) => ({ rule, personId, summary }));
  const detected = week.labels.length - missed.length;
  return {
    injected: week.labels.length,
    detected,
    recall: week.labels.length === 0 ? 1 : detected / week.labels.length,
    false_alerts: falseAlerts.length,
    false_alerts_per_1000_logins: (falseAlerts.length * 1000) / Math.max(1, week.logins),
    false_alerts_standing: falseRaised.filter((a) => run.standing.has(a.key)).length,
    withdrawn: run.withdrawn,
    missed,
    falseAlerts,
  };
};

/** Feeds a week to the engine in arrival order, ticking every simulated minute, as the gateway would. */
export const runWeek = (
  week: Week,
  /** Called around each fact, for a benchmark to time it. */
  timed: (observe: () => void) => void = (observe) => observe(),
): WeekRun & { engine: CorrelationEngine } => {
  const engine = new CorrelationEngine(defaultSettings({ walkingMs: week.walkingMs }));
  const raised: WeekRun['raised'] = [];
  let withdrawn = 0;
  let nextTick = week.start;
  for (const { fact, arrivesAt } of week.deliveries) {
    while (nextTick <= arrivesAt) {
      const t = engine.tick(nextTick);
      raised.push(...t.raised);
      nextTick += 60_000;
    }
    let out = { raised: [] as WeekRun['raised'], withdrawn: [] as unknown[] };
    timed(() => (out = engine.observe(fact, arrivesAt)));
    raised.push(...out.raised);
    withdrawn += out.withdrawn.length;
  }
  raised.push(...engine.tick(week.end).raised);
  return { raised, withdrawn, standing: new Set(engine.open().map((a) => a.key)), engine };
};
