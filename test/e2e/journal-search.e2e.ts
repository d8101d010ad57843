import { aCredential, aDoor, aZone } from '../../libs/testing/src/factories';
import { bootstrapAdmin, type Client, operatorClient } from '../support/client';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';
import { createSite } from '../support/site';

interface Named {
  type: string;
  names: { person?: string; door?: string; zone?: string; card?: string };
  siteTime: string;
  payload: Record<string, unknown>;
}
interface SearchAnswer {
  items: Named[];
  matched: {
    people?: { name: string }[];
    peopleCount?: number;
    cards?: { card: string }[];
    textNames?: { kind: 'person' | 'door'; id: string; name: string }[];
    textNamesCount?: number;
  };
  nextCursor: string | null;
}
interface Suggestions {
  people: { id: string; name: string }[];
  doors: { id: string; name: string; zone: string | null }[];
  cards: { id: string; card: string; person: string | null }[];
}

describe('journal search in people’s words (real process)', () => {
  let gw: RunningGateway;
  let admin: Client;
  let fm: Client;
  let reception: Client;

  beforeAll(async () => {
    gw = await startGateway({ env: { GATEHOUSE_SITE_TIME_ZONE: 'Europe/London' } });
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    reception = await operatorClient(admin, gw.url, 'remy', ['reception']);
    // Names only: the searches below must find these people by nothing else.
    await createSite(fm, {
      zones: [aZone({ id: 'ground', name: 'Ground floor' })],
      doors: [aDoor({ id: 'lobby-1', name: 'Front lobby', zoneIn: 'ground' })],
      people: [
        { cardholder: { name: 'Ann Archer' }, credentials: [aCredential({ number: '12:345' })] },
        { cardholder: { name: 'Joanna Bell' } },
        { cardholder: { name: 'Bob Carter' }, credentials: [aCredential({ number: '12:999' })] },
      ],
    });
  });
  afterAll(async () => {
    await gw.stop();
    removeDir(gw.dataDir);
  });

  it('finds entries by part of a name, with the names resolved and the time in the site zone', async () => {
    const r = await fm.get<SearchAnswer>('/api/v1/journal/search?personName=ANN');
    expect(r.status).toBe(200);
    expect(r.body.matched.people!.map((p) => p.name)).toEqual(['Ann Archer', 'Joanna Bell']);
    const seen = r.body.items.map((e) => `${e.type} ${e.names.person}`);
    expect(seen.sort()).toEqual(
      [
        'cardholder.created Ann Archer',
        'cardholder.created Joanna Bell',
        'credential.created Ann Archer',
      ].sort(),
    );
    expect(r.body.items[0]!.siteTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[01]:00$/);
  });

  it('finds a card by the number printed on the badge, in the ways badges print it', async () => {
    for (const printed of ['345', '00345', '12-345', '12 345']) {
      const r = await fm.get<SearchAnswer>(`/api/v1/journal/search?card=${encodeURIComponent(printed)}`);
      expect(r.status).toBe(200);
      expect(r.body.items.map((e) => [e.type, e.names.person, e.names.card])).toEqual([
        ['credential.created', 'Ann Archer', 'H10301 12:345'],
      ]);
    }
    const none = await fm.get<SearchAnswer>('/api/v1/journal/search?card=13-345');
    expect(none.body.items).toEqual([]);
  });

  it('finds a card typed in the search box as the console prints it, its format first (not as free text)', async () => {
    for (const printed of ['H10301 12:345', 'h10301 12-345']) {
      const r = await fm.get<SearchAnswer & { matched: { cards?: { card: string }[] } }>(
        `/api/v1/journal/search?q=${encodeURIComponent(printed)}`,
      );
      expect(r.status).toBe(200);
      expect(r.body.items.map((e) => [e.type, e.names.person, e.names.card])).toEqual([
        ['credential.created', 'Ann Archer', 'H10301 12:345'],
      ]);
      expect(r.body.matched.cards?.map((c) => c.card)).toEqual(['H10301 12:345']);
    }
    // Another format's card of that number is not this one.
    const other = await fm.get<SearchAnswer>(
      `/api/v1/journal/search?q=${encodeURIComponent('H10302 12:345')}`,
    );
    expect(other.body.items).toEqual([]);
  });

  it('finds a door by its name and combines name filters (entries about both)', async () => {
    const door = await fm.get<SearchAnswer>('/api/v1/journal/search?doorName=lobby');
    expect(door.body.items.map((e) => [e.type, e.names.door])).toEqual([['door.created', 'Front lobby']]);
    const both = await fm.get<SearchAnswer>('/api/v1/journal/search?personName=bob&card=999');
    expect(both.body.items.map((e) => e.type)).toEqual(['credential.created']);
    const neither = await fm.get<SearchAnswer>('/api/v1/journal/search?personName=bob&card=345');
    expect(neither.body.items).toEqual([]);
  });

  it('suggests people, doors and cards while typing, bounded', async () => {
    const names = await fm.get<Suggestions>('/api/v1/journal/suggest?q=an');
    expect(names.body.people.map((p) => p.name)).toEqual(['Ann Archer', 'Joanna Bell']);
    const one = await fm.get<Suggestions>('/api/v1/journal/suggest?q=an&limit=1');
    expect(one.body.people).toHaveLength(1);
    const doors = await fm.get<Suggestions>('/api/v1/journal/suggest?q=front');
    expect(doors.body.doors).toEqual([{ id: 'lobby-1', name: 'Front lobby', zone: 'Ground floor' }]);
    const cards = await fm.get<Suggestions>('/api/v1/journal/suggest?q=12-3');
    expect(cards.body.cards).toEqual([
      expect.objectContaining({ card: 'H10301 12:345', person: 'Ann Archer' }),
    ]);
    expect((await fm.get('/api/v1/journal/suggest?q=')).status).toBe(400);
    expect((await fm.get('/api/v1/journal/suggest?q=a&limit=500')).status).toBe(400);
  });

  it('gives a role no card, door or zone it may not see, by suggestion or by search', async () => {
    // Reception may read people's names, not their cards nor the site's doors.
    const s = await reception.get<Suggestions>('/api/v1/journal/suggest?q=3');
    expect(s.body).toEqual({ people: [], doors: [], cards: [] });
    const d = await reception.get<Suggestions>('/api/v1/journal/suggest?q=lobby');
    expect(d.body.doors).toEqual([]);
    expect((await reception.get('/api/v1/journal/search?card=345')).status).toBe(403);
    expect((await reception.get('/api/v1/journal/search?doorName=lobby')).status).toBe(403);
    // The admin reads every entry but not card numbers: the credential entry arrives redacted, unnamed.
    const a = await admin.get<SearchAnswer>('/api/v1/journal/search?personName=ann%20archer');
    const cred = a.body.items.find((e) => e.type === 'credential.created')!;
    // The acting operator by display name (names.operator), beside the person.
    expect(cred.names).toEqual({ person: 'Ann Archer', operator: 'fran tester' });
    expect(JSON.stringify(cred)).not.toContain('12:345');
    expect((await admin.get('/api/v1/journal/search?card=345')).status).toBe(403);
    expect((await admin.get<Suggestions>('/api/v1/journal/suggest?q=345')).body.cards).toEqual([]);
  });

  it('says which people and doors a free text names, since entries hold their ids and the text finds none of their events', async () => {
    const named = (a: { body: SearchAnswer }) => a.body.matched.textNames?.map((n) => `${n.kind} ${n.name}`);
    const typed = await fm.get<SearchAnswer>('/api/v1/journal/search?q=Bob%20Carter');
    expect(typed.status).toBe(200);
    expect(typed.body.items).toEqual([]);
    expect(named(typed)).toEqual(['person Bob Carter']);
    expect(typed.body.matched.textNamesCount).toBe(1);
    const part = await fm.get<SearchAnswer>('/api/v1/journal/search?q=%20ann%20&limit=1');
    expect(named(part)).toEqual(['person Ann Archer', 'person Joanna Bell']);
    // A door by its name, the same way; a role that may not see doors learns none.
    const door = await fm.get<SearchAnswer>('/api/v1/journal/search?q=lobby');
    expect(named(door)).toEqual(['door Front lobby']);
    expect(door.body.matched.textNames![0]).toMatchObject({
      kind: 'door',
      id: 'lobby-1',
      zone: 'Ground floor',
    });
    const hidden = await reception.get<SearchAnswer>('/api/v1/journal/search?q=lobby');
    expect(hidden.body.matched.textNames).toBeUndefined();
    // A text naming nothing says nothing.
    const nothing = await fm.get<SearchAnswer>('/api/v1/journal/search?q=zzqx');
    expect(nothing.body.matched.textNames).toBeUndefined();
    const all = await fm.get<SearchAnswer>('/api/v1/journal/search?q=a&limit=1');
    expect(all.body.nextCursor).not.toBeNull();
    const next = await fm.get<SearchAnswer>(
      `/api/v1/journal/search?q=a&limit=1&cursor=${encodeURIComponent(all.body.nextCursor!)}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.matched.textNames).toBeUndefined();
  });

  it('refuses unknown parameters and needs a session', async () => {
    expect((await fm.get('/api/v1/journal/search?personId=x')).status).toBe(400);
    expect((await fetch(`${gw.url}/api/v1/journal/suggest?q=ann`)).status).toBe(401);
  });
});
