import { configSchema } from './schema';

const logins = (section: unknown) => configSchema.safeParse({ logins: section });
const problems = (section: unknown) => {
  const r = logins(section);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('the logins section', () => {
  it('is off by default: no listener, no workstation, the site zone', () => {
    const r = configSchema.parse({});
    expect(r.logins).toEqual({
      listeners: [],
      workstations: {},
      http: { maxBatch: 500 },
      keepUnknown: 200,
      sessions: { idleTimeoutMinutes: 720, lockedTimeoutMinutes: 240, maxSessions: 100_000 },
      mqtt: { topic: '', rate: { perSecond: 50, burst: 500, maxSources: 10_000 }, maxPayloadBytes: 262_144 },
    });
  });

  it('gives a listener loopback, an allow-list that allows nobody, and a rate limit unless set', () => {
    const r = logins({ listeners: [{ name: 'ws', protocol: 'syslog-udp', port: 5514 }] });
    expect(r.success && r.data.logins.listeners[0]).toEqual({
      name: 'ws',
      protocol: 'syslog-udp',
      host: '127.0.0.1',
      port: 5514,
      allow: [],
      rate: { perSecond: 50, burst: 500, maxSources: 10_000 },
      maxFrameBytes: 65_536,
    });
  });

  it('refuses syslog-tls without a certificate, tls on plain syslog, twin names and unknown zones of time', () => {
    expect(problems({ listeners: [{ name: 'a', protocol: 'syslog-tls', port: 6514 }] })).toEqual([
      'logins.listeners: a syslog-tls listener needs tls.certFile and tls.keyFile',
    ]);
    const tls = { certFile: '/c.pem', keyFile: '/k.pem' };
    expect(problems({ listeners: [{ name: 'a', protocol: 'syslog-tcp', port: 1, tls }] })).toEqual([
      'logins.listeners: tls is for syslog-tls and beats listeners only',
    ]);
    expect(
      problems({
        listeners: [
          { name: 'a', protocol: 'beats', port: 5044, tls },
          { name: 'a', protocol: 'syslog-udp', port: 514 },
        ],
      }),
    ).toEqual(['logins.listeners: listener names must be unique']);
    expect(problems({ timeZone: 'Mars/Olympus' })).toEqual(['logins.timeZone: unknown IANA time zone']);
    expect(problems({ mqtt: { topic: 'logins/#' } })).toEqual([
      'logins.mqtt.topic: topic levels of letters, digits, _, - or +',
    ]);
    expect(problems({ workstations: { 'ws-1': { zone: '' } } })[0]).toMatch(
      /^logins\.workstations\.ws-1\.zone/,
    );
  });

  it('takes workstations with accepted zones and the remote class', () => {
    const r = logins({
      workstations: {
        'jump-1': { zone: 'dc', remote: true },
        'ws-2': { zone: 'f2', acceptedZones: ['f2', 'f3'] },
      },
    });
    expect(r.success && r.data.logins.workstations).toEqual({
      'jump-1': { zone: 'dc', remote: true },
      'ws-2': { zone: 'f2', acceptedZones: ['f2', 'f3'], remote: false },
    });
  });
});
