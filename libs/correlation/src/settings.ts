/** The rules the engine knows (DOMAIN.md, "Correlation rules"). */
export const RULES = [
  'login-without-badge-in',
  'login-after-badge-out',
  'session-after-badge-out',
  'credential-sharing',
  'impossible-travel',
  'denial-burst',
  'leaver-activity',
] as const;
export type RuleId = (typeof RULES)[number];

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface RuleSettings {
  enabled: boolean;
  severity: Severity;
  /**
   * How long an alert that depends on an event NOT having happened waits
   * before it is raised, for late deliveries to arrive (the product's rule:
   * such an alert waits out its grace; one that only needs what has happened
   * is raised at once).
   */
  graceMs: number;
}

export interface CorrelationSettings {
  rules: Record<RuleId, RuleSettings>;
  /**
   * Clocks of badge readers and workstations disagree by seconds: an entry up
   * to this much after a login still counts as before it, and a login up to
   * this much after an exit is not "after" it.
   */
  skewToleranceMs: number;
  /** Denials that make a burst, and the window they fall in. */
  denialBurst: { count: number; windowMs: number };
  /** Walking time in ms between two readers, either direction; pairs not listed are never impossible. */
  walkingMs: (fromReader: string, toReader: string) => number | null;
  /** Where the site's day starts, for "no entry since the start of the day". */
  dayStart: (at: number) => number;
  /** Remote logons (Windows type 10) to an on-site workstation: presence expected or not. */
  remoteNeedsPresence: boolean;
  /** How far back the engine keeps facts to re-evaluate late ones. */
  horizonMs: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

export const DEFAULT_RULES: Record<RuleId, RuleSettings> = {
  'login-without-badge-in': { enabled: true, severity: 'high', graceMs: 3 * MINUTE },
  'login-after-badge-out': { enabled: true, severity: 'high', graceMs: 3 * MINUTE },
  'session-after-badge-out': { enabled: true, severity: 'medium', graceMs: 3 * MINUTE },
  'credential-sharing': { enabled: true, severity: 'high', graceMs: 0 },
  'impossible-travel': { enabled: true, severity: 'medium', graceMs: 0 },
  'denial-burst': { enabled: true, severity: 'medium', graceMs: 0 },
  'leaver-activity': { enabled: true, severity: 'critical', graceMs: 0 },
};

/** Midnight UTC; the gateway gives the site's own midnight. */
const utcMidnight = (at: number) => at - (at % (24 * HOUR));

export const defaultSettings = (overrides: Partial<CorrelationSettings> = {}): CorrelationSettings => ({
  rules: DEFAULT_RULES,
  skewToleranceMs: 30_000,
  denialBurst: { count: 3, windowMs: 10 * MINUTE },
  walkingMs: () => null,
  dayStart: utcMidnight,
  remoteNeedsPresence: false,
  horizonMs: 36 * HOUR,
  ...overrides,
});

/**
 * Where the site's day starts, in its own time zone: the instant its clocks
 * showed midnight. On the day clocks change, the hours after the change are
 * an hour off; "since the start of the day" tolerates that.
 */
export const siteDayStart = (timeZone: string) => {
  const clock = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return (at: number): number => {
    const part = (type: string) => Number(clock.formatToParts(at).find((p) => p.type === type)?.value ?? 0);
    return at - (at % 1000) - ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000;
  };
};

/** The site's configuration of the rules (the `correlation` section), in the engine's terms. */
export interface CorrelationConfig {
  skewToleranceSeconds: number;
  remoteNeedsPresence: boolean;
  horizonHours: number;
  denialBurst: { count: number; windowMinutes: number };
  rules: Partial<Record<RuleId, { enabled?: boolean; severity?: Severity; graceSeconds?: number }>>;
  walking: { from: string; to: string; seconds: number }[];
}

export const settingsFrom = (c: CorrelationConfig, timeZone: string): CorrelationSettings => {
  const walks = new Map(
    c.walking.flatMap((w) => [
      [`${w.from}>${w.to}`, w.seconds * 1000] as const,
      [`${w.to}>${w.from}`, w.seconds * 1000] as const,
    ]),
  );
  const rules = Object.fromEntries(
    RULES.map((r) => {
      const o = c.rules[r] ?? {};
      const d = DEFAULT_RULES[r];
      return [
        r,
        {
          enabled: o.enabled ?? d.enabled,
          severity: o.severity ?? d.severity,
          graceMs: o.graceSeconds === undefined ? d.graceMs : o.graceSeconds * 1000,
        },
      ];
    }),
  ) as Record<RuleId, RuleSettings>;
  return defaultSettings({
    rules,
    skewToleranceMs: c.skewToleranceSeconds * 1000,
    remoteNeedsPresence: c.remoteNeedsPresence,
    horizonMs: c.horizonHours * HOUR,
    denialBurst: { count: c.denialBurst.count, windowMs: c.denialBurst.windowMinutes * MINUTE },
    walkingMs: (a, b) => walks.get(`${a}>${b}`) ?? null,
    dayStart: siteDayStart(timeZone),
  });
};
