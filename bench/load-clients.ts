import { readFileSync } from 'node:fs';
import { lowerOwnPriority } from './load-priority';

/**
 * The HTTP clients of `npm run bench -- card-load`, in their own process so that
 * what they cost (spawning, reading the export, parsing the stream) is not
 * counted as the gateway's. Requests come over IPC; each answer goes back with
 * its id. argv: [nice], the priority it runs at (`lowerOwnPriority`).
 */
type Request =
  | { id: number; op: 'import'; url: string; token: string; file: string }
  | { id: number; op: 'export'; url: string; token: string }
  | { id: number; op: 'sse'; url: string; token: string }
  | 'stop';

const reply = (m: Record<string, unknown>) => process.send!(m);

/** Reads a body to its end; returns its size and, for a short one, its text. */
const drain = async (res: Response): Promise<{ bytes: number; text: string }> => {
  let bytes = 0;
  let text = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (text.length < 4000) text += Buffer.from(chunk).toString();
  }
  return { bytes, text };
};

process.on('message', (m: Request) => {
  if (m === 'stop') process.exit(0);
  const headers = { authorization: `Bearer ${m.token}` };
  const run = async () => {
    if (m.op === 'import') {
      const res = await fetch(m.url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: readFileSync(m.file),
      });
      return { status: res.status, ...(await drain(res)) };
    }
    const res = await fetch(m.url, { headers });
    if (m.op === 'sse') {
      // Answers once connected, then keeps reading until stopped.
      reply({ id: m.id, status: res.status });
      await drain(res);
      return { status: res.status, ended: true };
    }
    return { status: res.status, ...(await drain(res)) };
  };
  run().then(
    (r) => reply({ id: m.id, ...r }),
    (e: unknown) => reply({ id: m.id, error: String(e) }),
  );
});
lowerOwnPriority(Number(process.argv[2] ?? 0));
process.send!('ready');
