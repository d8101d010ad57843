import {
  DEMO_DESKS,
  DEMO_FACILITY,
  DEMO_ROSTER,
  DEMO_UNMAPPED_ACCOUNT,
  type RosterPerson,
} from '../../gateway/src/demo-roster';
import { linuxAuthSyslog, nxlogSyslog, winlogbeatDocument, type WindowsAction } from './login-formats';
import { LoginSenders } from './login-senders';
import type { DemoReaderId } from './readers';

/** Presents a card at a reader; false when that reader is not running. */
export type Badge = (reader: DemoReaderId, facility: number, card: number) => boolean;

export interface WorkstationOptions {
  ports: { syslogTcp: number | null; syslogUdp: number | null; beats: number | null };
  /** The site's zone: Linux desks write RFC 3164 times on its clocks. */
  timeZone: string;
  /** One scene this often. */
  stepMs: number;
  /** Every this many scenes, one that trips a correlation rule (in rotation). */
  tripEvery: number;
  say: (line: string) => void;
}

type Desk = (typeof DEMO_DESKS)[number];
interface Session {
  person: RosterPerson | null;
  account: { user: string; domain: string };
  desk: Desk;
  logonId: string;
  pid: number;
}

/** The scenes that trip a rule, in the order they come round. */
export const TRIPS = [
  'login-without-badge-in',
  'session-after-badge-out',
  'credential-sharing',
  'denial-burst',
  'login-after-badge-out',
  'leaver-activity',
  'unmapped-account',
  'impossible-travel',
] as const;
type Trip = (typeof TRIPS)[number];

/**
 * From the front door to the call floor's door: well above the walking time
 * the demo configures (15 s), since a loaded machine delays a grant by seconds.
 */
const FLOOR_AFTER_MS = 40_000;
const LOGON_AFTER_MS = 45_000;
/** A session a trip opened is closed again after this. */
const CLEAN_UP_MS = 60_000;
/** At most this many timers wait at once: a scene schedules a few steps, never an unbounded queue. */
const MAX_PENDING = 64;

const userOf = (p: RosterPerson) => {
  const slash = p.account.indexOf('\\');
  return slash < 0
    ? { user: p.account, domain: '-' }
    : { user: p.account.slice(slash + 1), domain: p.account.slice(0, slash) };
};
const isLinux = (p: RosterPerson) => p.it;

/**
 * The demo's call floor at work: people badge in at the front door (and the
 * floor's door when the bridge runs), log on at their desks, lock, unlock,
 * log off and badge out; Windows desks report through NXLog (syslog TCP) or
 * Winlogbeat (Beats), Linux desks through rsyslog (UDP). Every `tripEvery`
 * scenes one trips a rule: a login with no badge-in, a badge-out with the
 * session left open, an account on two desks, a stranger's card tried three
 * times, a logon after leaving, the leaver's account, an unmapped contractor
 * account, a cloned card at two doors seconds apart. One scene a step,
 * a handful of messages each: a bounded rate; `stop` ends it all.
 */
export class SimulatedWorkstations {
  private readonly senders: LoginSenders;
  private readonly sessions = new Map<string, Session>();
  /** People on site now (badged in by a scene, not yet out). */
  private readonly present = new Set<RosterPerson>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private step: NodeJS.Timeout | null = null;
  private scene = 0;
  private trip = 0;
  private record = Math.floor(Date.now() / 1000) % 1_000_000_000;
  private session = 0;
  private linuxTurn = false;
  readonly counts = { scenes: 0, trips: {} as Record<string, number>, skipped: {} as Record<string, number> };

  constructor(
    private readonly badge: Badge | null,
    private readonly options: WorkstationOptions,
  ) {
    this.senders = new LoginSenders(options.ports, options.say);
  }

  start(): void {
    this.step = setInterval(() => this.next(), this.options.stepMs);
    // The first scene at once: a demo shows something within its first minute.
    this.next();
  }

  async stop(): Promise<void> {
    if (this.step) clearInterval(this.step);
    this.step = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.senders.close();
  }

  private later(ms: number, fn: () => void): void {
    if (this.timers.size >= MAX_PENDING || !this.step) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private next(): void {
    this.counts.scenes++;
    this.scene++;
    if (this.scene % this.options.tripEvery === 0) {
      const trip = TRIPS[this.trip++ % TRIPS.length]!;
      const done = this.tripRule(trip);
      const tally = done ? this.counts.trips : this.counts.skipped;
      tally[trip] = (tally[trip] ?? 0) + 1;
      if (done) this.options.say(`workstations: ${trip}`);
      return;
    }
    this.everyday();
  }

  // ---- who may come in now --------------------------------------------------------------

  /** Agents hold office hours (Mon–Fri 07:00–20:00 on the site's clocks); IT is let in at any hour. */
  private officeHours(): boolean {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: this.options.timeZone,
        weekday: 'short',
        hour: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(new Date())
        .map((p) => [p.type, p.value]),
    );
    const hour = Number(parts.hour);
    return !['Sat', 'Sun'].includes(parts.weekday ?? '') && hour >= 7 && hour < 20;
  }

  private mayEnter(p: RosterPerson): boolean {
    return !p.left && (p.it || this.officeHours());
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(Math.random() * items.length)];
  }

  private freeDesk(linux: boolean, except?: Desk): Desk | undefined {
    const taken = new Set([...this.sessions.values()].map((s) => s.desk.host));
    return this.pick(
      DEMO_DESKS.filter((d) => (d.os === 'linux') === linux && !taken.has(d.host) && d !== except),
    );
  }

  private sessionOf(p: RosterPerson): [string, Session] | undefined {
    return [...this.sessions.entries()].find(([, s]) => s.person === p);
  }

  // ---- what desks and readers say ---------------------------------------------------------

  private send(s: Session, action: WindowsAction): void {
    const at = new Date();
    if (s.desk.os === 'linux') {
      if (action === 'lock' || action === 'unlock') return; // PAM says nothing of a screen lock
      void this.senders.syslogUdp(
        linuxAuthSyslog(
          { action, at, host: s.desk.host, user: s.account.user, pid: s.pid },
          this.options.timeZone,
        ),
      );
      return;
    }
    const event = {
      action,
      at,
      host: s.desk.host,
      user: s.account.user,
      domain: s.account.domain,
      logonId: s.logonId,
      recordNumber: ++this.record,
    };
    // Two desks ship through NXLog, two through Winlogbeat.
    if (s.desk.host === 'WS-01' || s.desk.host === 'WS-02') void this.senders.syslogTcp(nxlogSyslog(event));
    else void this.senders.beatsEvent(winlogbeatDocument(event));
  }

  private logon(person: RosterPerson | null, account: Session['account'], desk: Desk): string {
    const key = `${desk.host}#${++this.session}`;
    const s: Session = {
      person,
      account,
      desk,
      logonId: `0x${(0x5a000 + this.session).toString(16)}`,
      pid: 2000 + (this.session % 60_000),
    };
    this.sessions.set(key, s);
    this.send(s, 'logon');
    return key;
  }

  private logoff(key: string): void {
    const s = this.sessions.get(key);
    if (!s) return;
    this.sessions.delete(key);
    this.send(s, 'logoff');
  }

  private pass(reader: DemoReaderId, p: RosterPerson): boolean {
    return this.badge?.(reader, DEMO_FACILITY, p.card) ?? false;
  }

  // ---- an ordinary day ----------------------------------------------------------------------

  private everyday(): void {
    const absent = DEMO_ROSTER.filter((p) => !this.present.has(p) && this.mayEnter(p));
    const roll = Math.random();
    if (this.present.size < 4 && absent.length > 0) return this.arrive(this.pick(absent)!);
    if (roll < 0.35) return this.leave(this.pick([...this.present])!);
    const open = this.pick(
      [...this.sessions.entries()].filter(([, s]) => s.person && s.desk.os === 'windows'),
    );
    if (open) {
      this.send(open[1], 'lock');
      this.later(10_000, () => this.sessions.has(open[0]) && this.send(open[1], 'unlock'));
    }
  }

  /** Front door, the floor's door (when the bridge runs) after a walk, then a logon at a free desk. */
  private arrive(p: RosterPerson): void {
    const desk = this.freeDesk(isLinux(p));
    if (!desk || !this.pass('front-in', p)) return;
    this.present.add(p);
    this.later(FLOOR_AFTER_MS, () => this.pass('floor-in', p));
    this.later(LOGON_AFTER_MS, () => {
      if (this.present.has(p) && !this.sessionOf(p)) this.logon(p, userOf(p), desk);
    });
  }

  /** Log off, then out through the floor's door and the front door. */
  private leave(p: RosterPerson): void {
    const session = this.sessionOf(p);
    if (session) this.logoff(session[0]);
    this.walkOut(p);
  }

  /** Out through the floor's door, then the front door (an exit with no way out of the floor is tailgating). */
  private walkOut(p: RosterPerson, then?: () => void): void {
    this.present.delete(p);
    this.later(3000, () => this.pass('floor-out', p));
    this.later(6000, () => {
      this.pass('front-out', p);
      then?.();
    });
  }

  // ---- breaches, now and then ---------------------------------------------------------------

  private tripRule(trip: Trip): boolean {
    const seated = [...this.sessions.entries()].filter(([, s]) => s.person && this.present.has(s.person));
    switch (trip) {
      case 'login-without-badge-in': {
        // Tailgated in behind a colleague: no badge, yet a logon.
        // Windows and Linux desks by turns: both kinds of sender trip it.
        this.linuxTurn = !this.linuxTurn;
        const p = this.pick(
          DEMO_ROSTER.filter(
            (x) => !x.left && x.it === this.linuxTurn && !this.present.has(x) && !this.sessionOf(x),
          ),
        );
        const desk = p && this.freeDesk(isLinux(p));
        if (!p || !desk) return false;
        const key = this.logon(p, userOf(p), desk);
        this.later(CLEAN_UP_MS, () => this.logoff(key));
        return true;
      }
      case 'session-after-badge-out': {
        // Went home without logging off.
        const seat = this.pick(seated);
        if (!seat) return false;
        this.walkOut(seat[1].person!);
        this.later(CLEAN_UP_MS, () => this.logoff(seat[0]));
        return true;
      }
      case 'login-after-badge-out': {
        // Someone at the desk of a person who just left, with their password.
        const seat = this.pick(seated);
        if (!seat) return false;
        const p = seat[1].person!;
        const desk = seat[1].desk;
        this.logoff(seat[0]);
        this.walkOut(p, () =>
          this.later(8000, () => {
            const key = this.logon(p, userOf(p), desk);
            this.later(CLEAN_UP_MS, () => this.logoff(key));
          }),
        );
        return true;
      }
      case 'credential-sharing': {
        // A colleague uses a seated person's account at a second desk.
        const seat = this.pick(seated);
        const desk = seat && this.freeDesk(seat[1].desk.os === 'linux', seat[1].desk);
        if (!seat || !desk) return false;
        const key = this.logon(seat[1].person, seat[1].account, desk);
        this.later(CLEAN_UP_MS, () => this.logoff(key));
        return true;
      }
      case 'denial-burst': {
        // A stranger's card tried three times at the front door.
        const card = 4000 + Math.floor(Math.random() * 999);
        if (!this.badge?.('front-in', 99, card)) return false;
        this.later(4000, () => this.badge?.('front-in', 99, card));
        this.later(8000, () => this.badge?.('front-in', 99, card));
        return true;
      }
      case 'leaver-activity': {
        // The leaver's account still works somewhere.
        const leaver = DEMO_ROSTER.find((p) => p.left);
        const desk = this.freeDesk(false);
        if (!leaver || !desk) return false;
        const key = this.logon(leaver, userOf(leaver), desk);
        this.later(CLEAN_UP_MS, () => this.logoff(key));
        return true;
      }
      case 'unmapped-account': {
        // A contractor's account nobody mapped: journaled and counted, never alerted on.
        const desk = this.freeDesk(false);
        if (!desk) return false;
        const key = this.logon(null, DEMO_UNMAPPED_ACCOUNT, desk);
        this.later(CLEAN_UP_MS / 2, () => this.logoff(key));
        return true;
      }
      case 'impossible-travel': {
        // A cloned card: the front door and the floor's door seconds apart.
        const p = this.pick(DEMO_ROSTER.filter((x) => x.it && !this.present.has(x)));
        if (!p || !this.pass('front-in', p)) return false;
        this.present.add(p);
        this.later(2000, () => this.pass('floor-in', p));
        this.later(CLEAN_UP_MS, () => this.leave(p));
        return true;
      }
    }
  }
}
