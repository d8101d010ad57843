import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Cardholder } from '@gatehouse/access';
import { loadConfig } from '@gatehouse/config';
import { GatehouseBus, systemClock } from '@gatehouse/contracts';
import { CorrelationEngine, settingsFrom } from '@gatehouse/correlation';
import { interpretJson, LoginIntake } from '@gatehouse/logins';
import { openDatabase } from '@gatehouse/storage';
import { accountDigester } from '../apps/gateway/src/logins/account-digest';
import { LoginsGateway } from '../apps/gateway/src/logins/logins-gateway';
import { benchJournal, option, round, say } from './util';

const person = (i: number): Cardholder => ({
  id: `p-${i}`,
  name: `Person ${i}`,
  employeeNumber: null,
  department: null,
  directoryAccount: `CORP\\user${i}`,
  kind: 'employee',
  state: 'active',
  privileged: false,
  watchListed: false,
  levelIds: [],
  groupIds: [],
  hasPhoto: false,
});

/** A Winlogbeat-free NXLog 4624 (type 2) for `user<i>`, now, on one of 200 workstations. */
const event = (i: number, people: number) => {
  const d = new Date();
  const local = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')} 00:00:00`;
  return {
    EventTime: local,
    Hostname: `ws-${i % 200}`,
    EventID: 4624,
    Channel: 'Security',
    RecordNumber: i,
    TargetUserName: `user${i % people}`,
    TargetDomainName: 'CORP',
    TargetLogonId: `0x${i.toString(16)}`,
    LogonType: '2',
  };
};

/**
 * `npm run bench -- logins [--events 20000] [--people 10000] [--batch 500] [--rules 0]`:
 * login facts through the gateway's pipeline (interpret, intake, identity,
 * correlation engine, journal) in batches as POST /api/v1/logins takes them;
 * beside it, the reference measured in the same run: interpretation and
 * intake alone (no identity, no journal), and one rebuild of the account map.
 */
export const loginsBench = async (args: string[]) => {
  const total = option(args, 'events', 20_000);
  const people = option(args, 'people', 10_000);
  const batch = option(args, 'batch', 500);
  const withRules = option(args, 'rules', 1) === 1;
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-logins-'));
  const db = openDatabase({ path: join(dir, 'b.db'), synchronous: 'normal' });
  const bus = new GatehouseBus();
  const journal = benchJournal(db, dir, bus);
  await journal.open();
  try {
    const config = loadConfig({ env: {}, cwd: dir });
    const cardholders = new Map(Array.from({ length: people }, (_, i) => [`p-${i}`, person(i)] as const));
    const workstations = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`ws-${i}`, { zone: `floor-${i % 5}`, remote: false }]),
    );
    const engine = new CorrelationEngine(settingsFrom(config.correlation, 'UTC'));
    const logins = new LoginsGateway(
      { ...config, logins: { ...config.logins, workstations, timeZone: 'UTC' } },
      {
        journal,
        correlation: withRules ? { observe: (f) => engine.observe(f, Date.now()) } : null,
        cardholders: () => cardholders,
        accountDigest: accountDigester(randomBytes(32)),
        bus,
        clock: systemClock,
        log: () => undefined,
      },
    );
    say(
      `workload: ${total} logons, ${people} cardholders with accounts, 200 workstations, batches of ${batch}`,
    );
    const events = Array.from({ length: total }, (_, i) => event(i, people));

    const t0 = performance.now();
    logins.accounts.personOf('corp\\user0');
    const rebuildMs = performance.now() - t0;

    const reference = new LoginIntake();
    const r0 = performance.now();
    for (const e of events)
      reference.take(interpretJson(e, JSON.stringify(e), { zone: 'UTC' }), 'bench', new Date());
    const referenceMs = performance.now() - r0;

    const p0 = performance.now();
    for (let i = 0; i < events.length; i += batch) {
      const slice = events.slice(i, i + batch);
      await Promise.all(
        slice.map((e) =>
          logins.take(interpretJson(e, JSON.stringify(e), { zone: 'UTC' }), {
            via: 'bench',
            sourceAddress: null,
          }),
        ),
      );
    }
    const pipelineMs = performance.now() - p0;
    const c = logins.counters();
    say(
      `accepted ${c.accepted}, unmapped ${c.unmappedAccounts}, engine unmapped ${engine.counters.unmapped}`,
    );
    say(`reference (interpret + intake only): ${round(total / (referenceMs / 1000))} events/s`);
    say(
      `pipeline (identity, ${withRules ? 'rules engine, ' : ''}journal): ${round(total / (pipelineMs / 1000))} events/s`,
    );
    say(`account map rebuild for ${people} cardholders: ${round(rebuildMs, 2)} ms`);
    await logins.close();
    return {
      events: total,
      reference_events_per_s: round(total / (referenceMs / 1000)),
      pipeline_events_per_s: round(total / (pipelineMs / 1000)),
      account_map_rebuild_ms: round(rebuildMs, 2),
    };
  } finally {
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
