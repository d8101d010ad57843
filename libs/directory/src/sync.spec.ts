import {
  type AlarmRaised,
  type JournalEntry,
  type JournalEntryInput,
  ManualClock,
} from '@gatehouse/contracts';
import { type DirectoryAnswer, DirectoryFault, type DirectoryPerson } from './answer';
import type { SyncCardholder } from './plan';
import { type DirectoryPorts, DirectorySync } from './sync';

const person = (sam: string, over: Partial<DirectoryPerson> = {}): DirectoryPerson => ({
  dn: `cn=${sam},dc=corp`,
  accounts: [`CORP\\${sam}`],
  name: sam,
  department: null,
  employeeNumber: null,
  disabled: false,
  groups: [],
  ...over,
});
const holder = (id: string): SyncCardholder => ({
  id,
  name: id,
  department: null,
  directoryAccount: `CORP\\${id}`,
  state: 'active',
  levelIds: [],
});

/** Strict fakes: every write is recorded; a journal effect runs as the real journal runs it, in the append. */
const harness = (answers: (() => Promise<DirectoryAnswer>)[], people: string[]) => {
  const clock = new ManualClock();
  const journaled: JournalEntryInput[] = [];
  const alarms: AlarmRaised[] = [];
  const updates: string[] = [];
  const leavers: string[] = [];
  let links = new Set<string>();
  const cardholders = people.map(holder);
  let reads = 0;
  const ports: DirectoryPorts = {
    read: () => {
      const next = answers[Math.min(reads, answers.length - 1)]!;
      reads += 1;
      return next();
    },
    cardholders: () => cardholders,
    accountKey: (a) => a?.toLowerCase() ?? null,
    levelExists: () => true,
    updateCardholder: (id) => {
      if (id === 'broken') return Promise.reject(new Error('level.unknown'));
      updates.push(id);
      return Promise.resolve();
    },
    // Like the records' leaver: the sync's entry is journaled with the change, in its transaction.
    markLeaver: (id, _actor, record) => {
      leavers.push(id);
      journaled.push(record([`card-of-${id}`]));
      return Promise.resolve([`card-of-${id}`]);
    },
    journal: {
      append: (input: JournalEntryInput, effect?: () => void) => {
        journaled.push(input);
        effect?.();
        return Promise.resolve({ seq: journaled.length } as unknown as JournalEntry);
      },
    },
    links: {
      load: () => new Set(links),
      replace: (ids) => (links = new Set(ids)),
    },
    raise: (a) => alarms.push(a),
    clock,
    log: () => undefined,
  };
  const sync = new DirectorySync(
    {
      intervalSeconds: 300,
      groupLevels: {},
      safety: { maxLeaverFraction: 0.1, alwaysAllow: 1 },
      url: 'ldap://x',
    },
    ports,
  );
  return { sync, clock, journaled, alarms, updates, leavers, links: () => links, reads: () => reads };
};

const answer =
  (...people: DirectoryPerson[]) =>
  () =>
    Promise.resolve({ people, groupCount: 0 });
const down = () => Promise.reject(new DirectoryFault('unreachable', 'ldap://x: unreachable (ECONNREFUSED)'));
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('the directory sync runner', () => {
  it('runs at start and then every interval of its clock, until stopped', async () => {
    const h = harness([answer(person('ann'))], ['ann']);
    h.sync.start();
    h.clock.advance(0);
    await h.sync.idle();
    expect(h.reads()).toBe(1);
    h.clock.advance(299_000);
    await settle();
    expect(h.reads()).toBe(1);
    h.clock.advance(1_000);
    await settle();
    await h.sync.idle();
    expect(h.reads()).toBe(2);
    expect(h.sync.status().history.map((r) => r.trigger)).toEqual(['schedule', 'start']);
    h.sync.stop();
    h.clock.advance(600_000);
    await settle();
    expect(h.reads()).toBe(2);
  });

  it('links what it found in the same journal append, and journals nothing when nothing changed', async () => {
    const h = harness([answer(person('ann'), person('bob'))], ['ann', 'bob']);
    expect((await h.sync.sync('operator')).result).toBe('unchanged');
    expect([...h.links()]).toEqual(['ann', 'bob']);
    expect(h.journaled.map((e) => e.type)).toEqual(['directory.synced']);
    await h.sync.sync('schedule');
    expect(h.journaled).toHaveLength(1);
  });

  it('keeps the last run that changed someone for the status, past the quiet runs after it', async () => {
    // The first answer renames ann; the second matches the (unchanged) fake record: nothing to do.
    const h = harness([answer(person('ann', { name: 'Ann Archer' })), answer(person('ann'))], ['ann']);
    expect(h.sync.status().lastChanges).toBeNull();
    const changed = await h.sync.sync('start');
    expect(changed.changes).toEqual([{ cardholderId: 'ann', change: 'updated', fields: ['name'] }]);
    h.clock.advance(300_000);
    const quiet = await h.sync.sync('schedule');
    expect([quiet.result, quiet.changes]).toEqual(['unchanged', []]);
    const status = h.sync.status();
    expect(status.lastRun).toBe(quiet);
    expect(status.lastChanges).toBe(changed);
  });

  it('a directory down alarms at every run, journals once per cause, keeps the links, and says when it is back', async () => {
    const h = harness([answer(person('ann')), down, down, answer(person('ann'))], ['ann']);
    await h.sync.sync('start');
    const failed = await h.sync.sync('schedule');
    await h.sync.sync('schedule');
    expect([failed.result, failed.fault?.kind]).toEqual(['failed', 'unreachable']);
    expect(h.alarms.map((a) => a.type)).toEqual(['directory-unreachable', 'directory-unreachable']);
    expect(h.journaled.map((e) => e.type)).toEqual(['directory.synced', 'directory.failed']);
    expect([...h.links()]).toEqual(['ann']);
    expect(h.sync.status().linked).toBe(1);
    await h.sync.sync('schedule');
    expect(h.journaled.at(-1)).toMatchObject({ type: 'directory.synced', payload: { recovered: true } });
  });

  it('a refused answer changes nobody and no link; anything else thrown is a failed search', async () => {
    const everyone = ['a', 'b', 'c', 'd', 'e'];
    const h = harness(
      [
        answer(...everyone.map((x) => person(x))),
        answer(person('a')),
        () => Promise.reject(new TypeError('boom')),
      ],
      everyone,
    );
    await h.sync.sync('start');
    const refused = await h.sync.sync('schedule');
    expect(refused.refusal).toEqual({ reason: 'too-many-leavers', leavers: 4, linked: 5, allowed: 1 });
    expect([h.leavers, h.updates, [...h.links()].length]).toEqual([[], [], 5]);
    expect(h.alarms.map((a) => a.type)).toEqual(['directory-mass-leavers']);
    expect(h.journaled.map((e) => e.type)).toEqual(['directory.synced', 'directory.refused']);
    expect((await h.sync.sync('schedule')).fault?.kind).toBe('search-failed');
  });

  it('one record the store refuses is counted and the others still change; a leaver is journaled with its account sealed', async () => {
    const h = harness(
      [
        answer(
          person('ann', { name: 'Ann A' }),
          person('broken', { name: 'X' }),
          person('bob', { disabled: true }),
        ),
      ],
      ['ann', 'broken', 'bob'],
    );
    const run = await h.sync.sync('operator');
    expect(run.counts).toMatchObject({ updated: 1, failed: 1, leavers: 1, suspendedCredentials: 1 });
    expect(h.updates).toEqual(['ann']);
    const leaver = h.journaled.find((e) => e.type === 'directory.leaver')!;
    expect(leaver.personal).toEqual({ personId: 'bob', paths: ['account'] });
    expect(leaver.subjects).toEqual([
      { kind: 'person', id: 'bob' },
      { kind: 'credential', id: 'card-of-bob' },
    ]);
  });

  it('a sync asked for while one runs joins it', async () => {
    let release: (a: DirectoryAnswer) => void = () => undefined;
    const h = harness([() => new Promise<DirectoryAnswer>((r) => (release = r))], ['ann']);
    const first = h.sync.sync('schedule');
    const second = h.sync.sync('operator');
    release({ people: [person('ann')], groupCount: 0 });
    expect(await second).toBe(await first);
    expect(h.reads()).toBe(1);
  });
});
