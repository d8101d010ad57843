import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { loadConfig } from '@gatehouse/config';
import { GatehouseBus, ManualClock } from '@gatehouse/contracts';
import { Journal, loadOrCreateSigningKey, SqliteJournalStore } from '@gatehouse/journal';
import { MqttSensorSource } from '@gatehouse/mqtt';
import { journalPrivacy } from '@gatehouse/privacy';
import { type Db, openDatabase } from '@gatehouse/storage';
import { testKeyring } from '@gatehouse/testing';
import { siteAccountDigest } from '../src/logins/account-digest';
import { LoginsGateway } from '../src/logins/logins-gateway';
import { LoginTopic } from '../src/logins/mqtt-topic';

/** The site broker the tests use: a real Mosquitto on loopback. */
const BROKER = 'mqtt://127.0.0.1:1883';
const NOW = new Date('2026-03-02T09:00:00Z');

const event = (record: number, account = 'ann') => ({
  EventTime: '2026-03-02T08:59:00Z',
  Hostname: 'ws-7',
  EventID: 4624,
  Channel: 'Security',
  RecordNumber: record,
  TargetUserName: account,
  TargetDomainName: 'CORP',
  TargetLogonId: `0x${record.toString(16)}`,
  LogonType: '2',
});

/** Polls until `check` holds, at most `ms`. */
const until = async (what: string, check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('logins from agents over MQTT (real Mosquitto on 127.0.0.1:1883)', () => {
  let dir: string;
  let db: Db;
  let journal: Journal;
  let source: MqttSensorSource;
  let agent: MqttClient;
  let logins: LoginsGateway;
  let topic: LoginTopic;
  let logged: { message: string; detail: unknown }[];
  // A prefix of our own: other tests (and helpers) share the broker.
  const prefix = `gh-test-${randomBytes(4).toString('hex')}`;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-logins-mqtt-'));
    db = openDatabase({ path: join(dir, 'm.db'), synchronous: 'normal' });
    const clock = new ManualClock(NOW);
    const bus = new GatehouseBus();
    journal = new Journal(
      new SqliteJournalStore(db),
      loadOrCreateSigningKey(join(dir, 'k.pem')),
      clock,
      { batchMaxEntries: 500, batchMaxDelayMs: 0, checkpointEveryEntries: 1000, checkpointEverySeconds: 60 },
      bus,
      journalPrivacy(testKeyring(db)),
    );
    await journal.open();
    const config = loadConfig({ env: {}, cwd: tmpdir() });
    logged = [];
    logins = new LoginsGateway(config, {
      journal,
      correlation: null,
      cardholders: () => new Map(),
      accountDigest: siteAccountDigest(testKeyring(db)),
      bus,
      clock,
      log: (_level, message, detail) => logged.push({ message, detail }),
    });
    // The clock stands still: a source's bucket never refills, so a flood is cut at its burst exactly.
    topic = new LoginTopic(
      {
        topic: `${prefix}/logins/+`,
        rate: { perSecond: 0.1, burst: 5, maxSources: 100 },
        maxPayloadBytes: 4096,
      },
      10,
      logins,
      clock,
      (_level, message, detail) => logged.push({ message, detail }),
    );
    source = new MqttSensorSource(
      {
        url: BROKER,
        topicPrefix: prefix,
        clientId: `${prefix}-gw`,
        username: '',
        caFile: '',
        certFile: '',
        keyFile: '',
        reconnectMaxSeconds: 1,
      },
      [],
      bus,
      undefined,
      clock,
    );
    logins.topic = topic;
    topic.attach(source);
    source.start();
    await until('the gateway connected', () => source.connected);
    agent = mqtt.connect(BROKER, { clientId: `${prefix}-agent`, clean: true });
    await new Promise<void>((resolve, reject) => {
      agent.once('connect', () => resolve());
      agent.once('error', reject);
    });
    // Subscribed once our own test message comes back through the topic.
    await until('the subscription', () => {
      agent.publish(`${prefix}/logins/probe`, '[]', { qos: 1 });
      return topic.counters.messages > 0;
    });
  });

  afterEach(async () => {
    await new Promise<void>((r) => agent.end(false, {}, () => r()));
    await source.stop();
    await logins.close();
    await journal.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const publish = (agentTopic: string, body: string | Buffer) =>
    new Promise<void>((resolve, reject) =>
      agent.publish(`${prefix}/logins/${agentTopic}`, body, { qos: 1 }, (e) => (e ? reject(e) : resolve())),
    );
  const loginEntries = () =>
    db
      .prepare("SELECT source FROM journal_entries WHERE type LIKE 'login.%' ORDER BY seq")
      .pluck()
      .all() as string[];

  it('takes one event and a batch, as POST /api/v1/logins does, each journaled with the topic it came on', async () => {
    await publish('agent-1', JSON.stringify(event(1)));
    await publish('agent-1', JSON.stringify([event(2), event(3, 'bob')]));
    await until('three logins', () => loginEntries().length === 3);
    expect(loginEntries()).toEqual(Array(3).fill(`login:mqtt:${prefix}/logins/agent-1`));
    expect(logins.counters()).toMatchObject({ accepted: 3, mqtt: { events: 3 } });
  });

  it('counts and logs bad payloads by reason, and goes on', async () => {
    await publish('agent-2', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    await publish('agent-2', '{"EventID": 4624,');
    await publish('agent-2', '[1, "two", null]');
    await publish('agent-2', JSON.stringify({ hello: 'world' }));
    await publish('agent-2', JSON.stringify(Array.from({ length: 11 }, (_, i) => event(100 + i))));
    await publish('agent-2', `{"pad": "${'x'.repeat(5000)}"}`);
    await publish('agent-2', JSON.stringify(event(4)));
    await until('the good event', () => loginEntries().length === 1);
    expect(topic.counters.rejected).toEqual({
      'invalid-utf8': 1,
      'not-json': 1,
      'not-an-event': 3,
      'batch-too-large': 1,
      'too-large': 1,
    });
    // JSON that is an object but no known event format: the intake's unknown, kept for an admin.
    expect(logins.counters().unknown).toEqual({ 'unknown-format': 1 });
    expect(logged.map((l) => (l.detail as { reason: string }).reason)).toEqual([
      'invalid-utf8',
      'not-json',
      'not-an-event',
      'batch-too-large',
      'too-large',
    ]);
    // Never the payload: it may name accounts.
    expect(JSON.stringify(logged)).not.toContain('EventID');
  });

  it('rate limits a flooding agent by its topic; another agent is unaffected', async () => {
    await publish('flood', JSON.stringify(Array.from({ length: 10 }, (_, i) => event(200 + i))));
    await publish('quiet', JSON.stringify([event(300), event(301)]));
    await until('the logins let through', () => loginEntries().length === 7);
    expect(topic.counters.rejected).toEqual({ 'rate-limited': 5 });
    const sources = loginEntries();
    expect(sources.filter((s) => s.endsWith('/flood'))).toHaveLength(5);
    expect(sources.filter((s) => s.endsWith('/quiet'))).toHaveLength(2);
  });
});
