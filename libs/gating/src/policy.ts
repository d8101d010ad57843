import { BlockList, isIP } from 'node:net';
import type { GroupPolicy } from './decision';

/** The class of a login on a workstation the site marked `remote` (a jump host, a VPN gateway). */
export const REMOTE_HOST_CLASS = 'remote-host';

/** A group as configured (`gating.default`, `gating.groups.<name>`). */
export interface GroupSettings {
  onUnreachable: 'open' | 'closed';
  breakGlass: readonly string[];
  remoteWithoutPresence: readonly string[];
  whenAbsent: 'deny' | 'step-up';
  whenUnmapped: 'deny' | 'step-up' | 'allow';
  domain?: string | undefined;
}

export interface GatingSettings {
  default: GroupSettings;
  groups: Readonly<Record<string, GroupSettings & { hosts: readonly string[] }>>;
  remoteClasses: Readonly<Record<string, readonly string[]>>;
  presenceMaxAgeHours: number;
}

/** Reads an account name as the directory does (`normaliseAccount` of @gatehouse/logins), given by the caller. */
export type AccountKeyOf = (name: string, domain: string | null) => string | null;

/** Canonical form of a host name: lower case, no trailing dot (as logins' WorkstationMap reads them). */
export const hostKey = (host: string): string => host.trim().toLowerCase().replace(/\.$/, '');

/** `::ffff:10.0.0.5` as a dual-stack socket reports it is `10.0.0.5`. */
const unmapV4 = (address: string): string => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');

/** Adds `10.8.0.0/16` or a bare address to a block list; false when it is neither. */
export const addRange = (list: BlockList, range: string): boolean => {
  const [address, prefix, ...rest] = range.trim().split('/');
  const family = isIP(address ?? '');
  if (!address || family === 0 || rest.length > 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) {
    list.addAddress(address, type);
    return true;
  }
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  if (bits < 0 || bits > (family === 4 ? 32 : 128)) return false;
  list.addSubnet(address, bits, type);
  return true;
};

/**
 * The site's gating policy, compiled once at start: groups by host, break-glass
 * lists as account keys, remote classes as address block lists.
 */
export class GatingPolicy {
  private readonly byHost = new Map<string, GroupPolicy>();
  private readonly fallback: GroupPolicy;
  private readonly classes: [string, BlockList][] = [];

  constructor(settings: GatingSettings, accountKeyOf: AccountKeyOf) {
    const maxAge = settings.presenceMaxAgeHours * 3_600_000;
    const compile = (name: string, g: GroupSettings): GroupPolicy => {
      const domain = g.domain ? g.domain.toLowerCase() : null;
      const breakGlass = new Set<string>();
      for (const a of g.breakGlass) {
        const key = accountKeyOf(a, domain);
        if (key) breakGlass.add(key);
      }
      return {
        name,
        onUnreachable: g.onUnreachable,
        breakGlass,
        remoteWithoutPresence: new Set(g.remoteWithoutPresence),
        whenAbsent: g.whenAbsent,
        whenUnmapped: g.whenUnmapped,
        domain,
        presenceMaxAgeMs: maxAge,
      };
    };
    this.fallback = compile('default', settings.default);
    for (const [name, g] of Object.entries(settings.groups)) {
      const group = compile(name, g);
      for (const h of g.hosts) this.byHost.set(hostKey(h), group);
    }
    for (const [name, ranges] of Object.entries(settings.remoteClasses)) {
      const list = new BlockList();
      for (const r of ranges) if (!addRange(list, r)) throw new Error(`remote class ${name}: bad range ${r}`);
      this.classes.push([name, list]);
    }
  }

  /** The group of a workstation: by its configured name, else its first label, else the default. */
  groupOf(host: string): GroupPolicy {
    const key = hostKey(host);
    return this.byHost.get(key) ?? this.byHost.get(key.split('.')[0]!) ?? this.fallback;
  }

  /**
   * The remote class of a login: every login on a workstation marked remote
   * is `remote-host`; otherwise the class whose ranges hold the address the
   * login comes from (PAM_RHOST), if that is an address at all (a name
   * there proves nothing and matches no class).
   */
  remoteClassOf(workstationRemote: boolean, clientAddress: string | null): string | null {
    if (workstationRemote) return REMOTE_HOST_CLASS;
    if (!clientAddress) return null;
    const address = unmapV4(clientAddress.trim());
    const family = isIP(address);
    if (family === 0) return null;
    for (const [name, list] of this.classes)
      if (list.check(address, family === 4 ? 'ipv4' : 'ipv6')) return name;
    return null;
  }
}
