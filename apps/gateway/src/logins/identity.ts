import { isIP } from 'node:net';
import type { Cardholder } from '@gatehouse/access';
import type { GatehouseConfig } from '@gatehouse/config';
import { normaliseAccount } from '@gatehouse/logins';

/** Where a workstation is, as the site configured it. */
export interface WorkstationPlace {
  zone: string;
  acceptedZones?: readonly string[];
  /** A jump host or VPN gateway: its sessions are remote. */
  remote: boolean;
}

/**
 * Directory accounts to cardholders, by each cardholder's `directoryAccount`
 * read with `normaliseAccount` (so `CORP\ann`, `ann@corp` with the domain
 * `corp`, and case differences meet on one key). Rebuilt lazily: after a
 * cardholder changes (`invalidate`) or when the index swaps its map (a bulk
 * import), never per login, since a scan per event would not keep up with a
 * burst.
 */
export class AccountDirectory {
  private byKey: Map<string, string> | null = null;
  /** Counts the rebuilds: who acts on a changed mapping (sessions to attribute) compares it. */
  generation = 0;
  private builtFrom: ReadonlyMap<string, Cardholder> | null = null;

  constructor(private readonly cardholders: () => ReadonlyMap<string, Cardholder>) {}

  invalidate(): void {
    this.byKey = null;
  }

  /** Every mapped account: its normalised key and the cardholder id it maps to. */
  mapped(): IterableIterator<[string, string]> {
    return this.map().entries();
  }

  /** The cardholder id for a normalised account key (`corp\ann`), or null. */
  personOf(accountKey: string): string | null {
    return this.map().get(accountKey) ?? null;
  }

  private map(): Map<string, string> {
    const current = this.cardholders();
    if (this.byKey && this.builtFrom === current) return this.byKey;
    const next = new Map<string, string>();
    for (const c of current.values()) {
      // A person who left keeps the mapping: a leaver's login is exactly what must be seen.
      const account = normaliseAccount(c.directoryAccount);
      if (!account) continue;
      // Two people naming one account: the first by id wins, the same on every rebuild.
      const held = next.get(account.key);
      if (held === undefined || c.id < held) next.set(account.key, c.id);
    }
    this.byKey = next;
    this.builtFrom = current;
    this.generation += 1;
    return next;
  }
}

/** Canonical form of a configured or reported host: lower case, no trailing dot. */
const hostKey = (host: string): string => host.trim().toLowerCase().replace(/\.$/, '');

/** Workstations by host name or address (case-insensitive), from `logins.workstations`. */
export class WorkstationMap {
  private readonly byName = new Map<string, WorkstationPlace>();

  constructor(workstations: GatehouseConfig['logins']['workstations']) {
    for (const [name, place] of Object.entries(workstations)) this.byName.set(hostKey(name), place);
  }

  /**
   * The place of a workstation by the name it gives itself (or that name's
   * first label, `ws-12` for `ws-12.corp.example.com`), else by the address
   * it sent from. Null for a workstation the site has not placed.
   */
  placeOf(host: string, sourceAddress: string | null): WorkstationPlace | null {
    const key = hostKey(host);
    const found = this.byName.get(key);
    if (found) return found;
    if (!isIP(key)) {
      const short = key.split('.')[0]!;
      const byShort = short !== key ? this.byName.get(short) : undefined;
      if (byShort) return byShort;
    }
    return sourceAddress ? (this.byName.get(hostKey(unmapV4(sourceAddress))) ?? null) : null;
  }
}

/** `::ffff:10.0.0.5` as a dual-stack socket reports it is the site's `10.0.0.5`. */
const unmapV4 = (address: string): string => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
