import { GatingPolicy, type GatingSettings, type GroupSettings, REMOTE_HOST_CLASS } from './policy';
import { TokenBuckets } from './rate';
import { NonceWindow } from './replay';

const base: GroupSettings = {
  onUnreachable: 'closed',
  breakGlass: [],
  remoteWithoutPresence: [],
  whenAbsent: 'deny',
  whenUnmapped: 'deny',
};
// The directory's reading, simplified: DOMAIN\user or user read in the group's domain.
const keyOf = (name: string, domain: string | null) => {
  const lower = name.toLowerCase();
  if (lower.includes('\\')) return lower;
  return domain ? `${domain}\\${lower}` : lower;
};

const settings = (over: Partial<GatingSettings> = {}): GatingSettings => ({
  default: base,
  groups: {
    lab: {
      ...base,
      hosts: ['ws-lab-1', 'WS-Lab-2.corp.example.com.'],
      onUnreachable: 'open',
      domain: 'CORP',
    },
  },
  remoteClasses: { vpn: ['10.8.0.0/16', 'fd00:8::/32'], jump: ['192.0.2.10'] },
  presenceMaxAgeHours: 16,
  ...over,
});

describe('the gating policy', () => {
  it('finds a workstation group by name, first label or fully qualified, else the default', () => {
    const p = new GatingPolicy(settings(), keyOf);
    expect(p.groupOf('WS-LAB-1').name).toBe('lab');
    expect(p.groupOf('ws-lab-1.corp.example.com').name).toBe('lab');
    expect(p.groupOf('ws-lab-2.corp.example.com').name).toBe('lab');
    expect(p.groupOf('ws-9').name).toBe('default');
    expect(p.groupOf('ws-lab-1').onUnreachable).toBe('open');
  });

  it('reads break-glass accounts in the group domain', () => {
    const p = new GatingPolicy(
      settings({ groups: { lab: { ...base, hosts: ['ws-lab-1'], domain: 'Corp', breakGlass: ['Root'] } } }),
      keyOf,
    );
    expect([...p.groupOf('ws-lab-1').breakGlass]).toEqual(['corp\\root']);
  });

  it('classes a login by where it comes from, and every login on a remote workstation as remote-host', () => {
    const p = new GatingPolicy(settings(), keyOf);
    expect(p.remoteClassOf(false, '10.8.3.4')).toBe('vpn');
    expect(p.remoteClassOf(false, '::ffff:10.8.3.4')).toBe('vpn');
    expect(p.remoteClassOf(false, 'fd00:8::1')).toBe('vpn');
    expect(p.remoteClassOf(false, '192.0.2.10')).toBe('jump');
    expect(p.remoteClassOf(false, '192.0.2.11')).toBeNull();
    // A name proves nothing: PAM_RHOST can carry whatever the client said.
    expect(p.remoteClassOf(false, 'vpn.corp.example.com')).toBeNull();
    expect(p.remoteClassOf(false, null)).toBeNull();
    expect(p.remoteClassOf(true, null)).toBe(REMOTE_HOST_CLASS);
  });

  it('refuses a bad range at start rather than matching nothing', () => {
    expect(() => new GatingPolicy(settings({ remoteClasses: { vpn: ['10.8.0.0/33'] } }), keyOf)).toThrow(
      /bad range/,
    );
  });
});

describe('the nonce window', () => {
  it('answers a nonce once per host for two windows, and forgets it after', () => {
    const w = new NonceWindow(1000, 3);
    expect(w.replayed('ws-1', 'abcdefgh', 0)).toBe(false);
    expect(w.replayed('ws-1', 'abcdefgh', 1500)).toBe(true);
    expect(w.replayed('ws-2', 'abcdefgh', 1500)).toBe(false);
    expect(w.replayed('ws-1', 'abcdefgh', 2100)).toBe(false);
  });

  it('calls a question stale more than one window from the gateway clock, either way', () => {
    const w = new NonceWindow(1000);
    expect(w.stale(5000, 6000)).toBe(false);
    expect(w.stale(7000, 6000)).toBe(false);
    expect(w.stale(4999, 6000)).toBe(true);
    expect(w.stale(7001, 6000)).toBe(true);
  });

  it('takes back nonces answered before a restart, except those past memory', () => {
    const w = new NonceWindow(1000);
    w.remember('ws-1', 'old-nonce-1', 0, 2500);
    w.remember('ws-1', 'kept-nonce-1', 1000, 2500);
    expect(w.replayed('ws-1', 'kept-nonce-1', 2500)).toBe(true);
    expect(w.replayed('ws-1', 'old-nonce-1', 2500)).toBe(false);
  });

  it('stays bounded under a flood, and one host flooding forgets only its own nonces', () => {
    const w = new NonceWindow(60_000, 3);
    w.replayed('ws-2', 'quiet-nonce', 0);
    for (let i = 0; i < 100; i += 1) w.replayed('ws-1', `nonce-${i}-xx`, i);
    expect(w.size).toBe(4);
    expect(w.replayed('ws-2', 'quiet-nonce', 200)).toBe(true);
  });
});

describe('the token buckets', () => {
  it('lets a burst through, refuses past it with the wait, refills at the rate, and says when a burst starts', () => {
    const b = new TokenBuckets(2, 3);
    for (let i = 0; i < 3; i += 1) expect(b.take('t1', 0)).toEqual({ admitted: true });
    expect(b.take('t1', 0)).toEqual({ admitted: false, retryAfterMs: 500, burstStarted: true });
    expect(b.take('t1', 100)).toEqual({ admitted: false, retryAfterMs: 400, burstStarted: false });
    // Another token is not touched by the first one's flood.
    expect(b.take('t2', 100)).toEqual({ admitted: true });
    expect(b.take('t1', 600)).toEqual({ admitted: true });
    expect(b.take('t1', 600)).toMatchObject({ admitted: false, burstStarted: true });
  });

  it('never holds more than the burst, however long a token was quiet', () => {
    const b = new TokenBuckets(1, 2);
    b.take('t1', 0);
    let admitted = 0;
    for (let i = 0; i < 10; i += 1) if (b.take('t1', 3_600_000).admitted) admitted += 1;
    expect(admitted).toBe(2);
  });
});
