import { aCardholder, aCredential } from '@gatehouse/testing';
import { bootstrapAdmin, Client, operatorClient } from '../support/client';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';

interface ErrorShape {
  error: { code: string; message: string; details: { issues?: { path: string; message: string }[] } };
}

/** What clients send is checked where it enters, and what was stored is exported so it cannot mislead. */
describe('dates, text and card numbers from clients (real process)', () => {
  let gw: RunningGateway;
  let admin: Client;
  let fm: Client;

  beforeAll(async () => {
    gw = await startGateway();
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
  });
  afterAll(async () => {
    await gw.stop();
    removeDir(gw.dataDir);
  });

  const refused = async (reply: Promise<{ status: number; body: unknown }>, path: string) => {
    const r = await reply;
    expect(r.status).toBe(400);
    expect((r.body as ErrorShape).error.details.issues?.map((i) => i.path)).toContain(path);
    return (r.body as ErrorShape).error;
  };

  it('refuses days that do not exist and text after a date or time', async () => {
    await refused(fm.post('/api/v1/access/holidays', { id: 'h1', name: 'Leap', date: '2026-02-30' }), 'date');
    await refused(
      fm.post('/api/v1/access/holidays', { id: 'h1', name: 'Junk', date: '2026-05-01 junk' }),
      'date',
    );
    expect(
      (await fm.post('/api/v1/access/holidays', { id: 'h1', name: 'Leap', date: '2028-02-29' })).status,
    ).toBe(201);
    const person = await fm.post<{ id: string }>('/api/v1/access/cardholders', aCardholder());
    const card = aCredential({ cardholderId: person.body.id });
    await refused(
      fm.post('/api/v1/access/credentials', { ...card, validFrom: '2026-02-30T10:00:00Z' }),
      'validFrom',
    );
    await refused(
      fm.post('/api/v1/access/credentials', { ...card, validUntil: '2026-05-01T08:00:00Zjunk' }),
      'validUntil',
    );
    expect(
      (await fm.get(`/api/v1/access/cardholders/${person.body.id}/doors?at=2026-02-30T10:00:00Z`)).status,
    ).toBe(400);
    expect((await admin.get('/api/v1/journal?from=2026-02-30')).status).toBe(400);
  });

  it('refuses NUL, control characters and unpaired surrogates in names and notes', async () => {
    for (const name of ['Ann\u0000', 'Ann\u001b[31m', 'Ann\ud800', 'Ann\nArcher'])
      await refused(fm.post('/api/v1/access/cardholders', { name }), 'name');
    await refused(fm.post('/api/v1/access/zones', { id: 'z', name: 'Zone\u0007' }), 'name');
    await refused(admin.post('/api/v1/journal/notes', { text: 'shift\u0000note' }), 'text');
    expect((await admin.post('/api/v1/journal/notes', { text: 'line one\nline two' })).status).toBe(201);
  });

  it('refuses a card number its format cannot hold, naming the field and its range', async () => {
    const person = await fm.post<{ id: string }>('/api/v1/access/cardholders', { name: 'Bob Baker' });
    const issue = (format: string, number: string) =>
      fm.post<ErrorShape & { number: string }>('/api/v1/access/credentials', {
        cardholderId: person.body.id,
        format,
        number,
      });
    for (const [format, number, message] of [
      ['H10301', 'abc', /H10301 numbers are "facility:card"/],
      ['H10301', '12345', /H10301 numbers are "facility:card"/],
      ['H10301', '256:1', /H10301 facility code is a whole number from 0 to 255/],
      ['H10301', '12:65536', /H10301 card number is a whole number from 0 to 65535/],
      ['H10302', '1:2', /H10302 has no facility code/],
      ['raw', '26:864383c1', /padding bit/],
    ] as const) {
      const r = await issue(format, number);
      expect({ number, status: r.status, code: r.body.error?.code }).toEqual({
        number,
        status: 400,
        code: 'credential.bad-number',
      });
      expect(r.body.error.message).toMatch(message);
    }
    expect((await issue('H10301', '012:0345')).body.number).toBe('12:345');
  });

  it('exports names with bidirectional controls shown, never obeyed: cardholder CSV, journal CSV and JSONL', async () => {
    const person = await fm.post<{ id: string }>('/api/v1/access/cardholders', {
      name: 'Eve\u202eevE',
      employeeNumber: 'E77',
    });
    expect(person.status).toBe(201);
    const cardholders = await fm.get('/api/v1/access/export');
    expect(cardholders.text).toContain('E77,Eve<U+202E>evE,');
    const csv = await admin.get('/api/v1/journal/export?format=csv-raw&type=cardholder.created');
    expect(csv.text).toContain('Eve<U+202E>evE');
    // JSON Lines hold the signed entry (the name as its commitment); disclosure adds the value.
    const jsonl = await admin.get(
      '/api/v1/journal/export?format=jsonl&type=cardholder.created&disclose=true',
    );
    for (const text of [cardholders.text, csv.text, jsonl.text])
      expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    // The disclosed value is the same JSON value: the name comes back exactly as stored.
    const names = jsonl.text
      .trim()
      .split('\n')
      .map(
        (l) =>
          (JSON.parse(l) as { disclosed?: Record<string, { value: string }> }).disclosed?.['changes.name.to']
            ?.value,
      );
    expect(names).toContain('Eve\u202eevE');
  });
});
