import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@gatehouse/config';
import { GatehouseBus, systemClock } from '@gatehouse/contracts';
import { testKeyring } from '@gatehouse/testing';
import { journalPrivacy } from '@gatehouse/privacy';
import { Journal, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { type Db, openDatabase } from '@gatehouse/storage';
import { freePort } from '../../../test/support/gateway';
import { startLoginListeners } from '../src/logins/listeners';
import { siteAccountDigest } from '../src/logins/account-digest';
import { LoginsGateway } from '../src/logins/logins-gateway';

describe('login listeners from the configuration (real sockets on loopback)', () => {
  let dir: string;
  let db: Db;
  let journal: Journal;
  let bus: GatehouseBus;
  let logins: LoginsGateway;
  let squatter: Server | null = null;
  const config = loadConfig({ env: {}, cwd: tmpdir() });
  const withListeners = (listeners: unknown[]) =>
    ({ ...config, logins: { ...config.logins, listeners } }) as typeof config;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-logins-l-'));
    db = openDatabase({ path: join(dir, 'l.db'), synchronous: 'normal' });
    bus = new GatehouseBus();
    journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(join(dir, 'k.pem')),
      systemClock,
      { batchMaxEntries: 500, batchMaxDelayMs: 0, checkpointEveryEntries: 1000, checkpointEverySeconds: 60 },
      bus,
      // Personal values sealed as the gateway's are, under the store's keyring.
      journalPrivacy(testKeyring(db)),
    );
    await journal.open();
    logins = new LoginsGateway(config, {
      journal,
      correlation: null,
      cardholders: () => new Map(),
      accountDigest: siteAccountDigest(testKeyring(db)),
      bus,
      clock: systemClock,
      log: () => undefined,
    });
  });

  afterEach(async () => {
    await logins.close();
    await new Promise<void>((r) => (squatter ? squatter.close(() => r()) : r()));
    squatter = null;
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rate = { perSecond: 10, burst: 10, maxSources: 10 };
  const listener = (name: string, protocol: string, port: number, extra = {}) => ({
    name,
    protocol,
    host: '127.0.0.1',
    port,
    allow: ['127.0.0.1/32'],
    rate,
    maxFrameBytes: 65_536,
    ...extra,
  });

  it('starts one listener per entry, each on its port', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const started = await startLoginListeners(
      withListeners([listener('tcp', 'syslog-tcp', a), listener('udp', 'syslog-udp', b)]),
      logins,
      systemClock,
      () => undefined,
    );
    logins.listeners = started;
    expect(started.map((l) => [l.name, l.address.port])).toEqual([
      ['tcp', a],
      ['udp', b],
    ]);
  });

  it('fails the start on a port already taken, closing the listeners it had started', async () => {
    const first = await freePort();
    squatter = createServer();
    await new Promise<void>((r) => squatter!.listen(0, '127.0.0.1', () => r()));
    const taken = (squatter.address() as { port: number }).port;
    await expect(
      startLoginListeners(
        withListeners([listener('ok', 'syslog-tcp', first), listener('clash', 'syslog-tcp', taken)]),
        logins,
        systemClock,
        () => undefined,
      ),
    ).rejects.toThrow(/EADDRINUSE/);
    // The first one was closed again: its port is free to bind.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(first, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((r) => probe.close(() => r()));
  });

  it('fails the start when a TLS key file cannot be read, naming the file', async () => {
    const missing = join(dir, 'no-such-key.pem');
    await expect(
      startLoginListeners(
        withListeners([
          listener('tls', 'syslog-tls', await freePort(), {
            tls: { certFile: missing, keyFile: missing, caFile: '' },
          }),
        ]),
        logins,
        systemClock,
        () => undefined,
      ),
    ).rejects.toThrow(/no-such-key\.pem/);
  });
});
