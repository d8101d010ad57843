import {
  aCardholder,
  aCredential,
  aDoor,
  aLevel,
  aSchedule,
  aZone,
  hours,
  WEEKDAYS,
} from '../../libs/testing/src/factories';
import { bootstrapAdmin, type Client, operatorClient } from '../support/client';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';
import { createSite } from '../support/site';

interface ErrorShape {
  error: { code: string; message: string };
}
const code = (r: { body: unknown }) => (r.body as ErrorShape).error?.code;
const WEEKDAY = '2026-06-03T10:00:00Z';

describe('erasing a person (real process)', () => {
  let gw: RunningGateway;
  let admin: Client;
  let fm: Client;
  let officer: Client;
  let guard: Client;

  beforeAll(async () => {
    gw = await startGateway();
    ({ client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!));
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    officer = await operatorClient(admin, gw.url, 'priya', ['privacy-officer']);
    guard = await operatorClient(admin, gw.url, 'gina', ['guard']);
  });
  afterAll(async () => {
    await gw.stop();
    removeDir(gw.dataDir);
  });

  it('clears the person everywhere, revokes their cards, journals why, and keeps the journal verifiable', async () => {
    const [person] = await createSite(fm, {
      zones: [aZone({ id: 'lab', name: 'Lab' })],
      schedules: [
        aSchedule({
          id: 'office',
          name: 'Office hours',
          timeZone: 'Europe/London',
          intervals: [hours(WEEKDAYS, '07:00', '19:00')],
        }),
      ],
      doors: [
        aDoor({
          id: 'lab-door',
          name: 'Lab door',
          zoneIn: 'lab',
          readers: [{ id: 'lab-in', direction: 'entry' }],
        }),
      ],
      levels: [aLevel({ id: 'lab-all', name: 'Lab', scheduleId: 'office', doorIds: ['lab-door'] })],
      people: [
        {
          cardholder: aCardholder({
            name: 'Orsolya Quenby',
            employeeNumber: 'E-9917',
            department: 'Radiochemistry',
            directoryAccount: 'CORP\\oquenby',
            levelIds: ['lab-all'],
          }),
          credentials: [aCredential({ number: '7:4242' })],
        },
      ],
    });
    const id = person!.id;
    const cardId = person!.credentialIds[0]!;
    const read = { readerId: 'lab-in', format: 'H10301', number: '7:4242', at: WEEKDAY };
    expect((await fm.post('/api/v1/access/simulate', read)).body).toMatchObject({ grant: true });

    // Least privilege: neither a guard nor a facility manager erases.
    expect((await guard.post(`/api/v1/people/${id}/erase`, { reason: 'request DSR-1' })).status).toBe(403);
    expect((await fm.post(`/api/v1/people/${id}/erase`, { reason: 'request DSR-1' })).status).toBe(403);
    // A reason is required.
    expect((await officer.post(`/api/v1/people/${id}/erase`, {})).status).toBe(400);
    const unknown = await officer.post('/api/v1/people/no-such-person/erase', { reason: 'request DSR-1' });
    expect(unknown.status).toBe(404);
    expect(code(unknown)).toBe('cardholder.not-found');

    const erased = await officer.post(`/api/v1/people/${id}/erase`, { reason: 'data subject request DSR-1' });
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ id, name: 'erased person', state: 'left', erased: true });

    const shown = await fm.get<Record<string, unknown> & { credentials: { state: string }[] }>(
      `/api/v1/access/cardholders/${id}`,
    );
    expect(shown.body).toMatchObject({
      name: 'erased person',
      employeeNumber: null,
      department: null,
      directoryAccount: null,
      state: 'left',
      hasPhoto: false,
    });
    expect(shown.body.credentials.map((c) => c.state)).toEqual(['revoked']);
    expect(JSON.stringify(shown.body)).not.toMatch(/Quenby|E-9917|Radiochemistry|oquenby/);
    // The erased person's card opens nothing.
    expect((await fm.post('/api/v1/access/simulate', read)).body).toMatchObject({ grant: false });
    // A search for the erased person finds nobody.
    const search = await fm.get<{ total: number }>('/api/v1/access/cardholders?q=quenby');
    expect(search.body.total).toBe(0);

    // An export searching for the former name, or for "erased person", finds no one to seal it under:
    // the text is withheld, never written in clear, and the export is not refused.
    for (const q of ['Quenby', 'erased person'])
      expect((await fm.get(`/api/v1/journal/export?format=csv&q=${encodeURIComponent(q)}`)).status).toBe(200);
    const exports = await admin.get<{ items: { payload: { filter: Record<string, unknown> } }[] }>(
      '/api/v1/journal?type=journal.exported&limit=2',
    );
    expect(exports.body.items.map((e) => e.payload.filter.textWithheld)).toEqual([
      { length: 13 },
      { length: 6 },
    ]);
    // Nothing new about an erased person is written: a note about them is refused, as is a forgive.
    const note = await fm.post('/api/v1/journal/notes', {
      text: 'seen again',
      subjects: [{ kind: 'person', id }],
    });
    expect([note.status, code(note)]).toEqual([409, 'privacy.person-erased']);
    const forgive = await guard.post('/api/v1/access/anti-passback/forgive', {
      cardholderId: id,
      reason: 'let out',
    });
    expect([forgive.status, code(forgive)]).toEqual([409, 'privacy.person-erased']);

    const twice = await officer.post(`/api/v1/people/${id}/erase`, { reason: 'again' });
    expect(twice.status).toBe(409);
    expect(code(twice)).toBe('privacy.already-erased');

    const journal = await officer.get<{ items: { type: string; payload: Record<string, unknown> }[] }>(
      `/api/v1/journal?type=privacy.person-erased&person=${id}`,
    );
    expect(journal.body.items).toHaveLength(1);
    expect(journal.body.items[0]!.payload).toMatchObject({
      id,
      reason: 'data subject request DSR-1',
      credentialsRevoked: [cardId],
    });
    const verified = await admin.get<{ ok: boolean }>('/api/v1/journal/verify');
    expect(verified.body.ok).toBe(true);
  });

  it('lets an admin erase too', async () => {
    const person = await fm.post<{ id: string }>('/api/v1/access/cardholders', { name: 'Tamsin Wrey' });
    const erased = await admin.post(`/api/v1/people/${person.body.id}/erase`, { reason: 'left in 2019' });
    expect(erased.status).toBe(200);
  });
});
