import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, openDatabase } from '@gatehouse/storage';
import { scanDatabaseFiles, textNeedles } from '@gatehouse/testing';
import { bootstrapAdmin, Client, operatorClient, PERMANENT_PASSWORD } from '../support/client';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

const PHOTO = Buffer.concat([
  Buffer.from('89504e470d0a1a0a', 'hex'),
  Buffer.from('~~e2e-photo-of-ottoline~~'.repeat(30)),
]);
/** What operators write about Ottoline: a guard's forgive reason, a note about her, an export's search. */
const FORGIVE_REASON = 'Ottoline Featherstonehaugh let out by hand at the loading bay';
const NOTE_ABOUT_HER = 'Ottoline Featherstonehaugh lost her badge, mobile 07700 900123';
const EXPORT_QUERY = 'Featherstonehaugh';
/** A searched text that names nobody on record (an erased person's former name, say): withheld too. */
const NOBODY_QUERY = 'Zebulon Quarringworth';
const IMPORTED = Array.from({ length: 300 }, (_, i) => ({
  employeeNumber: `WRK-${50_000 + i}-ZP`,
  name: `Worker Thistlewood${i} Abernathy`,
  department: `Worker Department Quillon${i}`,
  directoryAccount: `worker.quillon${i}@corp.example`,
}));

/** The gateway as an operator runs it: records through the API, the import through its worker thread. */
describe('cardholders sealed at rest (real process, import worker)', () => {
  let gw: RunningGateway;
  let admin: Client;
  let fm: Client;
  let guard: Client;

  beforeAll(async () => {
    gw = await startGateway();
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    guard = await operatorClient(admin, gw.url, 'gil', ['guard']);
  });
  afterAll(async () => {
    await gw.stop();
    removeDir(gw.dataDir);
  });

  it('leaves no personal value in the file or its WAL after a kill, and reads everything back after a restart', async () => {
    const person = await fm.post<{ id: string }>('/api/v1/access/cardholders', {
      name: 'Ottoline "Otto" Featherstonehaugh',
      employeeNumber: 'EMP-OF-31337',
      department: 'Heraldry & Seals',
      directoryAccount: 'CORP\\ofeatherstonehaugh',
    });
    expect(person.status).toBe(201);
    const id = person.body.id;
    const photo = await fetch(`${gw.url}/api/v1/access/cardholders/${id}/photo`, {
      method: 'PUT',
      headers: { cookie: fm.cookie!, 'x-csrf-token': fm.csrf!, 'content-type': 'image/png' },
      body: PHOTO,
    });
    expect(photo.status).toBe(204);
    const csv = [
      'employee_number,name,department,directory_account',
      ...IMPORTED.map((p) => `${p.employeeNumber},${p.name},${p.department},${p.directoryAccount}`),
    ].join('\n');
    const applied = await fm.request('POST', '/api/v1/access/import?mode=apply&fileName=w.csv', undefined, {
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(applied.status).toBe(200);
    const found = await fm.get<{ total: number; items: { employeeNumber: string }[] }>(
      '/api/v1/access/cardholders?q=thistlewood299',
    );
    expect(found.body.items.map((c) => c.employeeNumber)).toEqual(['WRK-50299-ZP']);

    // Free text about her, sealed under her key; and what an export searched for.
    const forgiven = await guard.post('/api/v1/access/anti-passback/forgive', {
      cardholderId: id,
      reason: FORGIVE_REASON,
    });
    expect(forgiven.status).toBe(200);
    const note = await fm.post('/api/v1/journal/notes', {
      text: NOTE_ABOUT_HER,
      subjects: [{ kind: 'person', id }],
    });
    expect(note.status).toBe(201);
    // One key seals a note: a note about two people is refused, as is one about nobody on record.
    const two = await fm.post<{ error: { code: string } }>('/api/v1/journal/notes', {
      text: 'both of them',
      subjects: [
        { kind: 'person', id },
        { kind: 'person', id: 'someone-else' },
      ],
    });
    expect([two.status, two.body.error.code]).toEqual([400, 'journal.note-many-people']);
    const unknown = await fm.post('/api/v1/journal/notes', {
      text: 'nobody we know',
      subjects: [{ kind: 'person', id: 'no-such-person' }],
    });
    expect(unknown.status).toBe(404);
    for (const q of [EXPORT_QUERY, NOBODY_QUERY, 'thistlewood'])
      expect((await fm.get(`/api/v1/journal/export?format=csv&q=${encodeURIComponent(q)}`)).status).toBe(200);
    // Read back, opened for the operator: the words as written, the export by whom it searched for.
    const written = await admin.get<{ items: { type: string; payload: Record<string, unknown> }[] }>(
      `/api/v1/journal?person=${id}&type=note.added,access.passback-forgiven,journal.exported`,
    );
    expect(
      written.body.items.map((e) => [e.type, e.payload.text ?? e.payload.reason ?? e.payload.filter]),
    ).toEqual([
      ['journal.exported', { subjects: [], text: EXPORT_QUERY, textPeople: { people: [id], count: 1 } }],
      ['note.added', NOTE_ABOUT_HER],
      ['access.passback-forgiven', FORGIVE_REASON],
    ]);
    const withheld = await admin.get<{ items: { payload: { filter: Record<string, unknown> } }[] }>(
      '/api/v1/journal?type=journal.exported&limit=2',
    );
    expect(withheld.body.items.map((e) => e.payload.filter)).toEqual([
      { subjects: [], textWithheld: { length: 11 }, textPeople: { people: expect.any(Array), count: 300 } },
      { subjects: [], textWithheld: { length: NOBODY_QUERY.length }, textPeople: { people: [], count: 0 } },
    ]);

    // A power cut: nothing is checkpointed on the way out, the WAL stays as it was.
    await gw.kill9();
    const path = join(gw.dataDir, 'gatehouse.db');
    const db = new Database(path, { readonly: true });
    try {
      const needles = [
        ...textNeedles('name', 'Ottoline "Otto" Featherstonehaugh'),
        ...textNeedles('employee number', 'EMP-OF-31337'),
        ...textNeedles('department', 'Heraldry & Seals'),
        ...textNeedles('directory account', 'CORP\\ofeatherstonehaugh'),
        ...textNeedles('forgive reason', FORGIVE_REASON),
        ...textNeedles('note about her', NOTE_ABOUT_HER),
        ...textNeedles('export query', EXPORT_QUERY),
        ...textNeedles('export query naming nobody', NOBODY_QUERY),
        ...textNeedles('export query naming many', 'thistlewood'),
        { label: 'photo bytes', bytes: PHOTO.subarray(8, 8 + 75) },
        ...IMPORTED.filter((_, i) => i % 50 === 0).flatMap((p) => [
          ...textNeedles(`imported name ${p.name}`, p.name),
          ...textNeedles(`imported number ${p.employeeNumber}`, p.employeeNumber),
          ...textNeedles(`imported department ${p.department}`, p.department),
          ...textNeedles(`imported account ${p.directoryAccount}`, p.directoryAccount),
        ]),
      ];
      // Records and journal entries alike hold none of them.
      expect(scanDatabaseFiles(db, path, needles)).toEqual([]);
      // The scan reads the files for real: what is not personal (an entry's type) is found.
      expect(
        scanDatabaseFiles(db, path, [{ label: 'entry type', bytes: Buffer.from('cardholder.created') }])
          .length,
      ).toBeGreaterThan(0);
    } finally {
      db.close();
    }

    // The next start opens every row for the decision index and the API.
    gw = await startGateway({ dataDir: gw.dataDir });
    const fran = new Client(gw.url);
    expect(
      (await fran.post('/api/v1/auth/login', { username: 'fran', password: PERMANENT_PASSWORD })).status,
    ).toBe(200);
    const again = await fran.get<Record<string, unknown>>(`/api/v1/access/cardholders/${id}`);
    expect(again.body).toMatchObject({
      name: 'Ottoline "Otto" Featherstonehaugh',
      employeeNumber: 'EMP-OF-31337',
      department: 'Heraldry & Seals',
      directoryAccount: 'CORP\\ofeatherstonehaugh',
      hasPhoto: true,
    });
    const named = await fran.get<{ items: { id: string }[] }>('/api/v1/access/cardholders?q=featherstone');
    expect(named.body.items.map((c) => c.id)).toEqual([id]);
    const back = await fetch(`${gw.url}/api/v1/access/cardholders/${id}/photo`, {
      headers: { cookie: fran.cookie! },
    });
    expect(Buffer.from(await back.arrayBuffer()).equals(PHOTO)).toBe(true);
  });

  it('seals the clear rows of a database from before migration 8 at its first start, and keeps no clear copy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-e2e-upgrade-'));
    const path = join(dir, 'gatehouse.db');
    const old = openDatabase({
      path,
      synchronous: 'normal',
      migrations: MIGRATIONS.filter((m) => m.version <= 7),
    });
    const legacy = (i: number) => ({
      id: `old-${i}`,
      name: `Upgraded Cadwallader${i} Nightingale`,
      employeeNumber: `UPG-${9000 + i}-RW`,
      department: `Upgraded Department Tamarisk${i}`,
      directoryAccount: `upgraded.tamarisk${i}@corp.example`,
      kind: 'employee',
      state: 'active',
      privileged: false,
      watchListed: false,
      levelIds: [],
      groupIds: [],
      hasPhoto: false,
    });
    old.transaction(() => {
      for (let i = 0; i < 1200; i++)
        old
          .prepare('INSERT INTO cardholders (id, data) VALUES (?, ?)')
          .run(`old-${i}`, JSON.stringify(legacy(i)));
    })();
    old.close();
    const upgraded = await startGateway({ dataDir: dir, env: { GATEHOUSE_LOG_LEVEL: 'info' } });
    try {
      expect(upgraded.output()).toMatch(/sealed 1200 cardholders and 0 photos stored in clear/);
      expect(upgraded.output()).not.toMatch(/Cadwallader|UPG-9|Tamarisk/);
      const { client } = await bootstrapAdmin(upgraded.url, upgraded.bootstrapToken!);
      const manager = await operatorClient(client, upgraded.url, 'fran', ['facility-manager']);
      const shown = await manager.get<Record<string, unknown>>('/api/v1/access/cardholders/old-777');
      expect(shown.body).toMatchObject({
        name: 'Upgraded Cadwallader777 Nightingale',
        employeeNumber: 'UPG-9777-RW',
        department: 'Upgraded Department Tamarisk777',
      });
    } finally {
      await upgraded.stop();
    }
    const db = new Database(path, { readonly: true });
    try {
      const needles = [0, 1, 499, 777, 1199].flatMap((i) => [
        ...textNeedles(`name ${i}`, legacy(i).name),
        ...textNeedles(`number ${i}`, legacy(i).employeeNumber),
        ...textNeedles(`department ${i}`, legacy(i).department),
        ...textNeedles(`account ${i}`, legacy(i).directoryAccount),
      ]);
      expect(scanDatabaseFiles(db, path, needles)).toEqual([]);
    } finally {
      db.close();
      removeDir(dir);
    }
  });
});
