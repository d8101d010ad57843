import { basename } from 'node:path';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AccessService } from '@gatehouse/access';
import { AlarmsService } from '@gatehouse/alarms';
import { type Principal, seesAlarm } from '@gatehouse/auth';
import type { GatehouseConfig } from '@gatehouse/config';
import { CLOCK, type Clock, DomainError, GATEHOUSE_CONFIG, type JournalEntry } from '@gatehouse/contracts';
import {
  type ArrivedFact,
  factFromEntry,
  FACT_TYPES,
  previewRules,
  RULES,
  settingsFrom,
  withProposal,
} from '@gatehouse/correlation';
import { Journal, type JournalFilter, JournalReader } from '@gatehouse/journal';
import { Allow } from '../http/auth.guard';
import { CurrentPrincipal } from '../http/request.decorators';
import { ApiJsonBody, ApiQueryOf, zod } from '../http/validation';
import { EvidenceNames, isRule, RULE_TITLES, WAITS_FOR_ABSENCE } from './correlation-read';
import type {
  CorrelationAlertsView,
  CorrelationAlertView,
  CorrelationPreviewView,
  CorrelationRulesView,
  RuleCountsView,
} from './correlation-views';

const DAY = 24 * 3_600_000;
const RAISED = 'correlation.alert-raised';
const WITHDRAWN = 'correlation.alert-withdrawn';
/** The most alerts one list shows (newest first); `more` says there were others. */
const LIST_LIMIT = 200;
/** Reading a week of the journal is bounded: pages of this size, at most this many entries. */
const READ_PAGE = 5000;
const MAX_FACTS = 200_000;
const MAX_COUNTED = 50_000;
/**
 * The preview answers within this, both replays together; past it the counts
 * are marked a lower bound. A 500-person week (30,000 facts) replays in 2–9 s
 * on a 2-core box, depending on its load; the replay gives the event loop back
 * every few hundred facts meanwhile.
 */
const PREVIEW_BUDGET_MS = 20_000;
const SAMPLE_PER_RULE = 3;
/** Login entries opened for one answer at most (a list is 200 alerts, most with one or two logins). */
const MAX_OPENED = 500;

const ListQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(7).default(7) });
const RuleChange = z.strictObject({
  enabled: z.boolean().optional(),
  severity: z.enum(['critical', 'high', 'medium', 'low']).optional(),
  graceSeconds: z.number().int().min(0).max(3600).optional(),
});
/** The same bounds as the `correlation` section of the configuration (libs/config/src/schema.ts). */
const Proposal = z.strictObject({
  rules: z.partialRecord(z.enum(RULES), RuleChange).optional(),
  denialBurst: z
    .strictObject({
      count: z.number().int().min(2).max(100).optional(),
      windowMinutes: z.number().int().min(1).max(1440).optional(),
    })
    .optional(),
  skewToleranceSeconds: z.number().int().min(0).max(600).optional(),
});
const SEQ = /^[1-9][0-9]{0,14}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const noAlert = () => new DomainError('not-found', 'correlation.not-found', 'no such correlation alert');

@ApiTags('correlation')
@Controller('api/v1/correlation')
export class CorrelationController {
  /** One preview at a time: each replays a week of facts on the event loop. */
  private previewing = false;

  constructor(
    private readonly reader: JournalReader,
    private readonly journal: Journal,
    private readonly access: AccessService,
    private readonly alarms: AlarmsService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private names(principal: Principal) {
    return new EvidenceNames(this.access.lookup, principal.roles);
  }

  /**
   * The caller's names with the account names of the alerts' login evidence,
   * for a role that may see directory accounts: each opened from the login
   * entry the fact came from (read by the entry's seq, which the evidence
   * keeps), since the fact holds only the account's keyed digest. An erased
   * person's account reads "erased person".
   */
  private async namesFor(principal: Principal, raised: readonly JournalEntry[]): Promise<EvidenceNames> {
    const names = this.names(principal);
    if (!names.accounts) return names;
    const opened = new Map<string, string>();
    for (const e of raised) {
      const p = e.payload as { personId?: unknown; evidence?: unknown };
      const evidence = Array.isArray(p.evidence) ? (p.evidence as Record<string, unknown>[]) : [];
      for (const f of evidence) {
        if (f.kind !== 'login' || typeof f.id !== 'string' || opened.has(f.id)) continue;
        if (opened.size >= MAX_OPENED) return names.withAccounts(opened);
        const login = await this.loginEntryOf(f, p.personId);
        const account = login && (this.journal.openForView(login).payload as { account?: unknown }).account;
        if (typeof account === 'string' && account.length > 0) opened.set(f.id, account);
      }
    }
    return names.withAccounts(opened);
  }

  /**
   * The login entry a login fact of the evidence came from: by its seq. An
   * alert raised before its evidence carried seqs (an older gateway), or at
   * once on a login not yet committed, has none: then by the login's key.
   */
  private async loginEntryOf(
    f: Record<string, unknown>,
    personId: unknown,
  ): Promise<JournalEntry | undefined> {
    const isLogin = (e: JournalEntry | undefined) =>
      e !== undefined && e.type.startsWith('login.') && (e.payload as { key?: unknown }).key === f.id;
    if (typeof f.seq === 'number' && Number.isSafeInteger(f.seq) && f.seq > 0) {
      const [entry] = await this.reader.since(f.seq - 1, {}, 1);
      return entry?.seq === f.seq && isLogin(entry) ? entry : undefined;
    }
    const [found] = await this.reader.since(
      0,
      {
        types: ['login.*'],
        text: JSON.stringify(f.id),
        ...(typeof personId === 'string' ? { subjects: [{ kind: 'person' as const, id: personId }] } : {}),
      },
      1,
    );
    return isLogin(found) ? found : undefined;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** Entries of a filter oldest first, a page at a time, at most `cap`. */
  private async readAll(filter: JournalFilter, cap: number): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    let after = 0;
    while (out.length < cap) {
      const page = await this.reader.since(after, filter, Math.min(READ_PAGE, cap - out.length));
      out.push(...page);
      if (page.length === 0 || out.length >= cap) break;
      after = page.at(-1)!.seq;
    }
    return out;
  }

  private async withdrawalOf(raised: JournalEntry): Promise<JournalEntry | undefined> {
    const key = (raised.payload as { key?: unknown }).key;
    if (typeof key !== 'string') return undefined;
    const [w] = await this.reader.since(raised.seq, { types: [WITHDRAWN], text: JSON.stringify(key) }, 1);
    return w;
  }

  @Get('alerts')
  @Allow('correlation.read')
  @ApiOperation({
    summary:
      'Correlation alerts of the last days, newest first, each with its evidence chain and whether a later fact withdrew it',
  })
  @ApiQueryOf(ListQuery)
  async list(
    @Query(zod(ListQuery)) q: z.infer<typeof ListQuery>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CorrelationAlertsView> {
    const from = new Date(this.now() - q.days * DAY).toISOString();
    const page = await this.reader.page({ types: [RAISED], from }, LIST_LIMIT);
    const withdrawn = new Map<string, JournalEntry>();
    for (const w of await this.readAll({ types: [WITHDRAWN], from }, MAX_COUNTED))
      withdrawn.set(String((w.payload as { key?: unknown }).key), w);
    const names = await this.namesFor(principal, page.items);
    return {
      items: page.items.map((e) =>
        names.alert(e, withdrawn.get(String((e.payload as { key?: unknown }).key))),
      ),
      more: page.nextCursor !== null,
    };
  }

  @Get('alerts/:seq')
  @Allow('correlation.read')
  @ApiOperation({
    summary: 'One correlation alert (by the journal sequence of its raising) with its evidence',
  })
  async get(
    @Param('seq') seq: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CorrelationAlertView> {
    if (!SEQ.test(seq)) throw noAlert();
    const [raised] = await this.reader.since(Number(seq) - 1, { types: [RAISED] }, 1);
    if (!raised || raised.seq !== Number(seq)) throw noAlert();
    return (await this.namesFor(principal, [raised])).alert(raised, await this.withdrawalOf(raised));
  }

  @Get('alarms/:alarmId')
  @Allow('correlation.read')
  @ApiOperation({
    summary:
      "The correlation alert behind an alarm of the queue (the guard desk's alarm detail), with its evidence; 404 for an alarm no rule raised",
  })
  async forAlarm(
    @Param('alarmId') alarmId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CorrelationAlertView> {
    if (!UUID.test(alarmId)) throw noAlert();
    const alarm = this.alarms.get(alarmId);
    if (!isRule(alarm.type) || !seesAlarm(principal.roles, alarm.type)) throw noAlert();
    // The alarm's key ends with the rule's own key (alarm.ts, dedupeKey: type|door|reader|sensor|person|sourceKey).
    const key = alarm.key.split('|').slice(5).join('|');
    if (!key) throw noAlert();
    const [raised] = await this.reader.since(
      0,
      {
        types: [RAISED],
        text: JSON.stringify(key),
        ...(alarm.cardholderId ? { subjects: [{ kind: 'person' as const, id: alarm.cardholderId }] } : {}),
      },
      1,
    );
    if (!raised) throw noAlert();
    return (await this.namesFor(principal, [raised])).alert(raised, await this.withdrawalOf(raised));
  }

  @Get('rules')
  @Allow('correlation.rules')
  @ApiOperation({
    summary:
      "The rules' settings as configured (windows, grace, severity) and per rule what was raised, withdrawn and acknowledged over the last day and week",
  })
  async rules(): Promise<CorrelationRulesView> {
    const c = this.config.correlation;
    const s = settingsFrom(c, this.config.site.timeZone);
    const now = this.now();
    const entries = await this.readAll(
      { types: [RAISED, WITHDRAWN, 'alarm.acknowledged'], from: new Date(now - 7 * DAY).toISOString() },
      MAX_COUNTED,
    );
    const counts = new Map<string, RuleCountsView>(
      RULES.map((rule) => {
        const zero = () => ({ raised: 0, withdrawn: 0, acknowledged: 0 });
        return [rule, { rule, day: zero(), week: zero() }];
      }),
    );
    for (const e of entries) {
      const p = e.payload as { rule?: unknown; type?: unknown };
      const rule = e.type === 'alarm.acknowledged' ? p.type : p.rule;
      const row = isRule(rule) ? counts.get(rule) : undefined;
      if (!row) continue;
      const what = e.type === RAISED ? 'raised' : e.type === WITHDRAWN ? 'withdrawn' : 'acknowledged';
      row.week[what]++;
      if (Date.parse(e.time) >= now - DAY) row.day[what]++;
    }
    const site = this.config.resolved.sources.at(-1);
    return {
      enabled: c.enabled,
      rules: RULES.map((rule) => ({
        rule,
        title: RULE_TITLES[rule],
        enabled: s.rules[rule].enabled,
        severity: s.rules[rule].severity,
        graceSeconds: s.rules[rule].graceMs / 1000,
        waitsForAbsence: WAITS_FOR_ABSENCE.has(rule),
      })),
      skewToleranceSeconds: c.skewToleranceSeconds,
      denialBurst: c.denialBurst,
      counts: [...counts.values()],
      source: {
        file: site ? basename(site) : 'the site configuration file',
        section: 'correlation',
        howToChange:
          'The rules are configuration, not a console setting: an administrator edits the `correlation` section of the site configuration file (for example `correlation.rules.login-without-badge-in.graceSeconds: 300`), runs `npm run gatehouse -- config check`, and restarts the gateway; the change is then on record in the journal as the gateway starts with it. Preview a change here first.',
      },
    };
  }

  @Post('rules/preview')
  @Allow('correlation.rules')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'What a change to the rules would have raised over the last 7 days: the journal facts replayed through the rules with the settings in force and with the proposed ones; nothing is raised or journaled',
  })
  @ApiJsonBody(Proposal)
  async preview(
    @Body(zod(Proposal)) body: z.infer<typeof Proposal>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CorrelationPreviewView> {
    if (this.previewing)
      throw new DomainError(
        'rate-limited',
        'correlation.preview-busy',
        'a preview is running; try again shortly',
      );
    this.previewing = true;
    try {
      const to = this.now();
      const from = to - 7 * DAY;
      const entries = await this.readAll(
        { types: FACT_TYPES, from: new Date(from).toISOString() },
        MAX_FACTS,
      );
      const sides = (doorId: string) => this.access.lookup.doors.get(doorId);
      const facts: ArrivedFact[] = [];
      for (const e of entries) {
        const fact = factFromEntry(e, sides);
        if (fact) facts.push({ fact, arrivedAt: Date.parse(e.time) });
      }
      const current = settingsFrom(this.config.correlation, this.config.site.timeZone);
      const started = performance.now();
      const limits = (share: number) => ({
        samplePerRule: SAMPLE_PER_RULE,
        outOfTime: () => performance.now() - started > PREVIEW_BUDGET_MS * share,
        breathe: () => new Promise<void>((resolve) => setImmediate(resolve)),
      });
      const before = await previewRules(facts, current, to, limits(0.5));
      const after = await previewRules(facts, withProposal(current, body), to, limits(1));
      const names = this.names(principal);
      return {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        facts: facts.length,
        truncated: before.truncated || after.truncated || entries.length >= MAX_FACTS,
        current: before.counts,
        proposed: after.counts,
        sample: after.sample.map((a) => ({
          rule: a.rule,
          person: names.person(a.personId),
          at: a.at,
          summary: names.summary(
            a.summary,
            a.evidence.map((f) => ({ ...f }) as Record<string, unknown>),
          ),
        })),
      };
    } finally {
      this.previewing = false;
    }
  }
}
