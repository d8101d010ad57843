import { createHash } from 'node:crypto';
import { bootstrapAdmin, type Client, operatorClient } from '../support/client';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

interface Entry {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  personal?: { personId: string; paths: string[]; opened?: boolean; erased?: boolean };
  disclosed?: Record<string, { value: string; salt: string }>;
}

/** The value at a dotted path of a payload. */
const at = (payload: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | null)?.[key], payload);

/** What a third party computes from a disclosure, with nothing but SHA-256. */
const commitmentOf = (value: string, salt: string) =>
  createHash('sha256')
    .update(Buffer.from(salt, 'base64url'))
    .update(JSON.stringify(value))
    .digest('base64url');

const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Entry);

/** Entries of the live stream, replayed from the start, until `enough` says so or 10 s pass. */
const streamed = async (
  base: string,
  client: Client,
  enough: (entries: Entry[]) => boolean,
): Promise<Entry[]> => {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v1/events`, {
    headers: { cookie: client.cookie!, 'last-event-id': '0' },
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  const entries: Entry[] = [];
  let text = '';
  const deadline = Date.now() + 10_000;
  try {
    while (!enough(entries) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
      let cut: number;
      while ((cut = text.indexOf('\n\n')) >= 0) {
        const data = /^data: (.*)$/m.exec(text.slice(0, cut));
        text = text.slice(cut + 2);
        if (data && data[1] !== '{}') entries.push(JSON.parse(data[1]!) as Entry);
      }
    }
  } finally {
    controller.abort();
  }
  return entries;
};

describe('personal values in the journal, through the API (real process)', () => {
  let gw: RunningGateway;
  let admin: Client;
  let fm: Client;
  let officer: Client;

  beforeAll(async () => {
    gw = await startGateway();
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    officer = await operatorClient(admin, gw.url, 'priya', ['privacy-officer']);
  });
  afterAll(async () => {
    await gw.stop();
    removeDir(gw.dataDir);
  });

  it('stores sealed values, shows them opened, discloses them checkably, and after an erasure shows "erased person" while verify passes', async () => {
    const person = await fm.post<{ id: string }>('/api/v1/access/cardholders', {
      name: 'Perpetua Wendlebury',
      employeeNumber: 'E-5150',
      department: 'Cartography',
    });
    expect(person.status).toBe(201);
    const id = person.body.id;
    const renamed = await fm.patch(`/api/v1/access/cardholders/${id}`, { department: 'Hydrography' });
    expect(renamed.status).toBe(200);

    // Views open the values, then redact them by role: an admin does not see departments.
    const page = await fm.get<{ items: Entry[] }>(`/api/v1/journal?person=${id}&type=cardholder.*`);
    const updated = page.body.items.find((e) => e.type === 'cardholder.updated')!;
    expect(updated.payload.changes).toMatchObject({
      department: { from: 'Cartography', to: 'Hydrography' },
    });
    expect(updated.personal).toMatchObject({ personId: id, opened: true });
    const adminPage = await admin.get<{ items: (Entry & { redacted?: string[] })[] }>(
      `/api/v1/journal?person=${id}&type=cardholder.*`,
    );
    const adminCreated = adminPage.body.items.find((e) => e.type === 'cardholder.created')!;
    expect(at(adminCreated.payload, 'changes.name.to')).toBe('Perpetua Wendlebury');
    expect(adminCreated.redacted).toEqual(expect.arrayContaining(['department', 'employeeNumber']));
    expect(JSON.stringify(adminPage.body)).not.toMatch(/Cartography|Hydrography|E-5150/);
    const live = await streamed(gw.url, fm, (es) => es.some((e) => e.type === 'cardholder.updated'));
    const liveCreated = live.find((e) => e.type === 'cardholder.created' && e.personal?.personId === id)!;
    expect(at(liveCreated.payload, 'changes.name.to')).toBe('Perpetua Wendlebury');
    expect(JSON.stringify(live)).not.toContain('"sealed"');
    const byName = await fm.get<{ items: Entry[] }>('/api/v1/journal/search?personName=wendlebury');
    expect(byName.body.items.map((e) => e.type)).toEqual(
      expect.arrayContaining(['cardholder.created', 'cardholder.updated']),
    );

    // The JSON Lines export is the signed form: sealed values, no clear text.
    const signed = await fm.get(`/api/v1/journal/export?format=jsonl&person=${id}`);
    expect(signed.status).toBe(200);
    expect(signed.text).not.toMatch(/Wendlebury|E-5150|Cartography|Hydrography/);
    const signedLines = lines(signed.text);
    const created = signedLines.find((e) => e.type === 'cardholder.created')!;
    expect(at(created.payload, 'changes.name.to')).toEqual({ commitment: expect.any(String) });
    expect(created.personal).toMatchObject({ personId: id, sealed: expect.any(String) });

    // Disclosure: each line stays as signed beside `disclosed`, and each value checks against its commitment.
    const disclosedText = (await fm.get(`/api/v1/journal/export?format=jsonl&disclose=true&person=${id}`))
      .text;
    const disclosed = lines(disclosedText).find((e) => e.type === 'cardholder.created')!;
    const { disclosed: values, ...asSigned } = disclosed;
    expect(JSON.stringify(asSigned)).toBe(
      signed.text.split('\n').find((l) => l.includes(`"seq":${created.seq},`)),
    );
    expect(values!['changes.name.to']!.value).toBe('Perpetua Wendlebury');
    expect(values!['changes.department.to']!.value).toBe('Cartography');
    for (const [path, { value, salt }] of Object.entries(values!))
      expect(commitmentOf(value, salt)).toBe(
        (at(asSigned.payload, path) as { commitment: string }).commitment,
      );
    expect((await fm.get('/api/v1/journal/export?format=csv&disclose=true')).status).toBe(400);
    // A role that may not see departments gets none disclosed.
    const adminDisclosed = lines(
      (await admin.get(`/api/v1/journal/export?format=jsonl&disclose=true&person=${id}`)).text,
    ).find((e) => e.type === 'cardholder.created')!;
    expect(Object.keys(adminDisclosed.disclosed!)).toEqual(['changes.name.to']);

    // Erase, then every view shows "erased person"; the export spans the erasure.
    expect((await officer.post(`/api/v1/people/${id}/erase`, { reason: 'DSR-77' })).status).toBe(200);
    const after = await fm.get<{ items: Entry[] }>(`/api/v1/journal?person=${id}`);
    const createdAfter = after.body.items.find((e) => e.type === 'cardholder.created')!;
    expect(at(createdAfter.payload, 'changes.name.to')).toBe('erased person');
    expect(createdAfter.personal).toMatchObject({ opened: true, erased: true });
    expect(JSON.stringify(after.body)).not.toMatch(/Wendlebury|E-5150|Cartography|Hydrography/);
    for (const format of ['csv', 'csv-raw', 'jsonl']) {
      // An admin sees every category: the export holds entries from before and after the erasure.
      const exported = await admin.get(`/api/v1/journal/export?format=${format}&person=${id}`);
      expect(exported.status).toBe(200);
      expect(exported.text).not.toMatch(/Wendlebury|E-5150|Cartography|Hydrography/);
      expect(exported.text).toMatch(/privacy.person-erased|Privacy person erased/);
    }
    const rawCsv = (await admin.get(`/api/v1/journal/export?format=csv-raw&person=${id}`)).text;
    expect(rawCsv).toContain('erased person');
    // Nothing left to disclose of an erased person.
    const none = lines((await fm.get(`/api/v1/journal/export?format=jsonl&disclose=true&person=${id}`)).text);
    expect(none.every((e) => e.disclosed === undefined)).toBe(true);
    // A search by the former name finds nobody, and so no entry.
    const gone = await fm.get<{ items: Entry[]; matched: { peopleCount: number } }>(
      '/api/v1/journal/search?personName=wendlebury',
    );
    expect(gone.body.items).toEqual([]);
    expect(gone.body.matched.peopleCount).toBe(0);

    // The live stream's replay shows the erased person too.
    const replay = await streamed(gw.url, fm, (es) => es.some((e) => e.type === 'cardholder.updated'));
    const replayed = replay.find((e) => e.type === 'cardholder.created' && e.personal?.personId === id)!;
    expect(at(replayed.payload, 'changes.name.to')).toBe('erased person');
    expect(JSON.stringify(replay)).not.toMatch(/Wendlebury|E-5150|Cartography|Hydrography/);

    const verified = await admin.get<{ ok: boolean }>('/api/v1/journal/verify');
    expect(verified.body.ok).toBe(true);
  });

  it('seals an import\u2019s personal values before its worker thread writes them', async () => {
    const csv = [
      'employee_number,name,department',
      'E-7301,Quillon Badenoch,Orrery',
      'E-7302,Saffi Treharne,Orrery',
    ].join('\n');
    const applied = await fm.request(
      'POST',
      '/api/v1/access/import?mode=apply&fileName=staff.csv',
      undefined,
      {
        raw: csv,
        headers: { 'content-type': 'text/csv' },
      },
    );
    expect(applied.status).toBe(200);
    const signed = await fm.get('/api/v1/journal/export?format=jsonl&type=cardholder.*');
    const imported = lines(signed.text).filter((e) => e.payload.via === 'import');
    expect(imported).toHaveLength(2);
    expect(signed.text).not.toMatch(/Badenoch|Treharne|Orrery|E-730/);
    expect(imported.map((e) => e.personal?.paths.sort())).toEqual([
      ['record.department', 'record.employeeNumber', 'record.name'],
      ['record.department', 'record.employeeNumber', 'record.name'],
    ]);
    const shown = await fm.get<{ items: Entry[] }>('/api/v1/journal?type=cardholder.created&q=import');
    const names = shown.body.items.map((e) => at(e.payload, 'record.name')).filter(Boolean);
    expect(names.sort()).toEqual(['Quillon Badenoch', 'Saffi Treharne']);
  });
});
