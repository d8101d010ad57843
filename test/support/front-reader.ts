import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimulatedOsdpBus } from '../../libs/testing/src';
import type { Client } from './client';
import { waitFor } from './wait';

/**
 * The demo site's front door entry reader (`front-in`, into the lobby) as a
 * simulated OSDP reader in secure channel, on a pseudo-terminal bus in `dir`:
 * the bus, and the site file's `serial:` lines that connect the gateway to it.
 */
export const startFrontReader = async (dir: string, keyHex: string, serial: number) => {
  const keyFile = join(dir, 'front.key');
  writeFileSync(keyFile, keyHex);
  const bus = await new SimulatedOsdpBus(join(dir, 'ttyCP'), join(dir, 'ttyPD'), [
    { address: 1, scbk: Uint8Array.from(Buffer.from(keyHex, 'hex')), serial },
  ]).start();
  const siteLines = [
    'serial:',
    '  - id: osdp-1',
    `    path: ${join(dir, 'ttyCP')}`,
    '    protocol: osdp',
    '    pollIntervalMs: 50',
    '    readers:',
    `      - { id: front-in, address: 1, scbk: { file: ${keyFile} } }`,
  ];
  return { bus, siteLines };
};

/** Waits until the gateway reports the front door reader online (its secure channel up). */
export const frontReaderOnline = (client: Client) =>
  waitFor(
    'the reader online',
    async () => {
      const r = await client.get<{ readers: { id: string; online: boolean }[] }>('/api/v1/readers');
      return r.body.readers.find((x) => x.id === 'front-in')?.online ? true : undefined;
    },
    20_000,
  );
