import { bootstrapAdmin, Client, operatorClient } from '../support/client';
import { aLevel, aSchedule } from '@gatehouse/testing';
import { removeDir, startGateway, type RunningGateway } from '../support/gateway';
import { createSite } from '../support/site';

interface StreamedEntry {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
}

/** A live-events subscriber: collects the entries the stream sends until stopped. */
const subscribe = async (client: Client) => {
  const controller = new AbortController();
  const res = await fetch(`${client.base}/api/v1/events`, {
    headers: { cookie: client.cookie! },
    signal: controller.signal,
  });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const entries: StreamedEntry[] = [];
  const reading = (async () => {
    const reader = res.body!.getReader();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text += Buffer.from(value!).toString();
      let cut: number;
      while ((cut = text.indexOf('\n\n')) >= 0) {
        const data = /^data: (.*)$/m.exec(text.slice(0, cut));
        const event = /^event: (.*)$/m.exec(text.slice(0, cut));
        text = text.slice(cut + 2);
        if (event?.[1] === 'entry' && data) entries.push(JSON.parse(data[1]!) as StreamedEntry);
      }
    }
  })();
  return {
    entries,
    /** Waits (bounded) until an entry matches, then returns every entry received so far. */
    async until(match: (e: StreamedEntry) => boolean, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!entries.some(match)) {
        if (Date.now() > deadline) throw new Error(`no such entry among ${entries.length} streamed`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return entries;
    },
    async stop() {
      controller.abort();
      await reading;
    },
  };
};

describe('entries of an import reach live subscribers (real process, import in its worker thread)', () => {
  let gw: RunningGateway;
  let fm: Client;

  beforeAll(async () => {
    gw = await startGateway();
    const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
    fm = await operatorClient(admin, gw.url, 'fran', ['facility-manager']);
    await createSite(fm, {
      schedules: [aSchedule({ id: 'always', name: 'Always' })],
      levels: [aLevel({ id: 'staff', name: 'Staff', scheduleId: 'always' })],
    });
  });
  afterAll(async () => {
    await gw.stop();
    removeDir(gw.dataDir);
  });

  it('streams every entry of an applied import, in order, before the entries committed after it', async () => {
    const people = 1200;
    const csv = [
      'employee_number,name,levels,credential_format,credential_number',
      ...Array.from({ length: people }, (_, i) => `E${i},Person ${i},staff,H10301,7:${i}`),
    ].join('\n');
    const stream = await subscribe(fm);
    // The subscriber is in place once it sees an entry committed after it connected.
    await fm.post('/api/v1/journal/notes', { text: 'subscriber ready' });
    await stream.until((e) => e.type === 'note.added');

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
    await fm.post('/api/v1/journal/notes', { text: 'after the import' });
    const seen = await stream.until((e) => e.type === 'note.added' && e.payload.text === 'after the import');
    await stream.stop();

    const first = seen.findIndex((e) => e.type === 'cardholder.imported');
    expect(first).toBeGreaterThan(0);
    expect(seen[first]!.payload).toMatchObject({ fileName: 'staff.csv', rows: people });
    const imported = seen.slice(first, first + 1 + 2 * people);
    const count = (type: string) => imported.filter((e) => e.type === type).length;
    expect(count('cardholder.created')).toBe(people);
    expect(count('credential.created')).toBe(people);
    // One run of consecutive sequence numbers, nothing skipped, and the later note after it.
    expect(imported.map((e) => e.seq)).toEqual(imported.map((_, i) => imported[0]!.seq + i));
    expect(seen[first + 1 + 2 * people]).toMatchObject({
      type: 'note.added',
      payload: { text: 'after the import' },
    });
  });
});
