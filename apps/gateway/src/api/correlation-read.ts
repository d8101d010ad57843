import type { SiteLookup } from '@gatehouse/access';
import { hiddenProperties, may, type Role } from '@gatehouse/auth';
import type { JournalEntry } from '@gatehouse/contracts';
import { RULES, type RuleId, type Severity } from '@gatehouse/correlation';
import type { CorrelationAlertView, EvidenceItemView } from './correlation-views';

/** The rules by name, as the console and the preview list them. */
export const RULE_TITLES: Record<RuleId, string> = {
  'login-without-badge-in': 'Login without badge-in',
  'login-after-badge-out': 'Login after badge-out',
  'session-after-badge-out': 'Session still open after badge-out',
  'credential-sharing': 'Credential sharing',
  'impossible-travel': 'Impossible travel',
  'denial-burst': 'Denial burst',
  'leaver-activity': "A leaver's card or account used",
};

/** Rules whose alert rests on an event NOT having happened: they wait out their grace. */
export const WAITS_FOR_ABSENCE: ReadonlySet<RuleId> = new Set([
  'login-without-badge-in',
  'login-after-badge-out',
  'session-after-badge-out',
]);

export const isRule = (type: unknown): type is RuleId =>
  typeof type === 'string' && (RULES as readonly string[]).includes(type);

type Stored = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** A login fact's account as the rules keep it: a keyed digest (apps/gateway/src/logins/account-digest.ts). */
const DIGEST = /acct:[0-9a-f]+/g;

/** The account names of login facts (by fact id), opened from the login entries they came from. */
export type OpenedAccounts = ReadonlyMap<string, string>;

/**
 * Evidence and alerts as one caller may read them: people, doors and zones by
 * name (from the decision index, as fresh as the records), and the directory
 * account only for roles that may see it, by its name as opened from the
 * login entry (the facts hold only a keyed digest, which nobody is shown: a
 * summary naming one says "their account" instead).
 */
export class EvidenceNames {
  readonly accounts: boolean;
  private readonly people: boolean;

  constructor(
    private readonly index: SiteLookup,
    private readonly roles: readonly Role[],
    private readonly opened: OpenedAccounts = new Map(),
  ) {
    this.accounts = !hiddenProperties(roles).has('directoryAccount');
    this.people = may(roles, 'cardholders.read');
  }

  /** The same caller, with the account names opened for the alerts about to be shown. */
  withAccounts(opened: OpenedAccounts): EvidenceNames {
    return new EvidenceNames(this.index, this.roles, opened);
  }

  private account(f: Stored): string | null {
    const id = str(f.id);
    return this.accounts && id ? (this.opened.get(id) ?? null) : null;
  }

  person(id: string | null): string | null {
    if (!id) return null;
    return this.people ? (this.index.cardholders.get(id)?.name ?? 'a person no longer on record') : null;
  }

  private zone(id: unknown): string | null {
    const z = str(id);
    return z ? (this.index.zones.get(z)?.name ?? z) : null;
  }

  private door(id: unknown): string | null {
    const d = str(id);
    return d ? (this.index.doors.get(d)?.name ?? d) : null;
  }

  private readerDoor(id: unknown): string | null {
    const r = str(id);
    return r ? (this.index.readers.get(r)?.door.name ?? r) : null;
  }

  item(f: Stored): EvidenceItemView {
    const entry = typeof f.seq === 'number' && Number.isSafeInteger(f.seq) ? { entrySeq: f.seq } : {};
    return { ...this.itemFields(f), ...entry };
  }

  private itemFields(f: Stored): EvidenceItemView {
    const at = num(f.at);
    switch (f.kind) {
      case 'badge': {
        const into = str(f.zone);
        const direction = into ? 'in' : 'out';
        return {
          kind: 'badge',
          at,
          direction,
          what: `Badged ${direction} at ${this.door(f.doorId) ?? 'a door'}`,
          where: direction === 'in' ? this.zone(f.zone) : this.zone(f.fromZone),
          source: `reader at ${this.readerDoor(f.readerId) ?? 'an unknown door'}`,
        };
      }
      case 'denial':
        return {
          kind: 'denial',
          at,
          what: `Refused at ${this.door(f.doorId) ?? this.readerDoor(f.readerId) ?? 'a reader'} (${str(f.reason) ?? 'denied'})`,
          where: null,
          source: `reader at ${this.readerDoor(f.readerId) ?? 'an unknown door'}`,
        };
      case 'login': {
        const action = str(f.action) ?? 'logon';
        const host = str(f.host) ?? 'a workstation';
        return {
          kind: 'login',
          at,
          action,
          host,
          what: `${action.charAt(0).toUpperCase()}${action.slice(1)} at ${host}${f.remote === true ? ' (remote)' : ''}`,
          where: this.zone(f.zone),
          source: str(f.source),
          ...(this.account(f) ? { account: this.account(f)! } : {}),
        };
      }
      default:
        return {
          kind: 'status',
          at,
          what: f.leaver === true ? 'Marked as a leaver' : 'Back from leaver',
          where: null,
          source: 'the people records',
        };
    }
  }

  /** The summary as this caller may read it. */
  summary(text: string, evidence: Stored[]): string {
    // Alerts raised while the rules still named accounts: a digest becomes the name for those who
    // may read it, an account in clear (older still) stays only for them; otherwise words.
    let out = text;
    for (const f of evidence) {
      const named = str(f.account);
      if (!named) continue;
      const shown = named.startsWith('acct:') ? this.account(f) : this.accounts ? named : null;
      out = out.split(named).join(shown ?? 'their account');
    }
    return out.replace(DIGEST, 'their account');
  }

  /** A `correlation.alert-raised` entry, with its withdrawal if any. */
  alert(raised: JournalEntry, withdrawal: JournalEntry | undefined): CorrelationAlertView {
    const p = raised.payload as Stored;
    const evidence = Array.isArray(p.evidence) ? (p.evidence as Stored[]) : [];
    const w = withdrawal?.payload as Stored | undefined;
    const personId = str(p.personId);
    return {
      seq: raised.seq,
      key: str(p.key) ?? '',
      rule: p.rule as RuleId,
      severity: (str(p.severity) ?? 'medium') as Severity,
      personId,
      person: this.person(personId),
      at: num(p.at),
      raisedAt: num(p.raisedAt),
      summary: this.summary(str(p.summary) ?? '', evidence),
      state: withdrawal ? 'withdrawn' : 'raised',
      withdrawnReason: w ? (str(w.reason) ?? 'withdrawn') : null,
      withdrawnAt: withdrawal?.time ?? null,
      evidence: evidence.map((f) => this.item(f)).sort((a, b) => a.at - b.at),
    };
  }
}
