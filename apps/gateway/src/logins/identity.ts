import { isIP } from 'node:net';
import type { Cardholder } from '@gatehouse/access';
import type { GatehouseConfig } from '@gatehouse/config';
import { normaliseAccount } from '@gatehouse/logins';

/** Where a workstation is, as the site configured it. */
export interface WorkstationPlace {
  /** Null for a remote host placed in no zone (a VPN gateway is in none the site has). */
  zone: string | null;
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
 * burst. Cardholders changed one by one (`changed`) are looked at alone at
 * the next use: a whole rebuild per change was 48-100 ms on the event loop for
 * 30,000 people with accounts, and an import announces its entries in about
 * 200 parts, each a change.
 */
export class AccountDirectory {
  private byKey: Map<string, string> | null = null;
  /** The account key each person holds in `byKey`: what a change of that person must undo. */
  private readonly keyOf = new Map<string, string>();
  /** People changed since the map was built, looked at in `map()`. */
  private readonly changedIds = new Set<string>();
  /** Counts the changes of the mapping: who acts on a changed mapping (sessions to attribute) compares it. */
  generation = 0;
  private builtFrom: ReadonlyMap<string, Cardholder> | null = null;

  constructor(private readonly cardholders: () => ReadonlyMap<string, Cardholder>) {}

  /** Any change at all: the whole map is rebuilt at the next use. */
  invalidate(): void {
    this.byKey = null;
    this.changedIds.clear();
  }

  /**
   * These people changed (their entries committed): each is looked at again
   * at the next use. Past MAX_CHANGED people at once, a rebuild is cheaper.
   */
  changed(ids: Iterable<string>): void {
    if (!this.byKey) return;
    for (const id of ids) this.changedIds.add(id);
    if (this.changedIds.size > MAX_CHANGED) this.invalidate();
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
    if (this.byKey && this.builtFrom === current && (this.changedIds.size === 0 || this.update(current)))
      return this.byKey;
    return this.rebuild(current);
  }

  /**
   * The changed people taken in one by one; false when only a rebuild knows
   * the answer: a person gave up an account (changed or removed it), and
   * another person naming the same account would now hold it.
   */
  private update(current: ReadonlyMap<string, Cardholder>): boolean {
    const byKey = this.byKey!;
    let moved = false;
    for (const id of this.changedIds) {
      const held = this.keyOf.get(id);
      const key = normaliseAccount(current.get(id)?.directoryAccount)?.key;
      if (held === key) continue;
      if (held !== undefined) return false;
      if (key === undefined) continue;
      const other = byKey.get(key);
      // The rebuild's rule: two people naming one account, the first by id wins.
      if (other !== undefined && other < id) continue;
      if (other !== undefined) this.keyOf.delete(other);
      byKey.set(key, id);
      this.keyOf.set(id, key);
      moved = true;
    }
    this.changedIds.clear();
    if (moved) this.generation += 1;
    return true;
  }

  private rebuild(current: ReadonlyMap<string, Cardholder>): Map<string, string> {
    const next = new Map<string, string>();
    for (const c of current.values()) {
      // A person who left keeps the mapping: a leaver's login is exactly what must be seen.
      const account = normaliseAccount(c.directoryAccount);
      if (!account) continue;
      // Two people naming one account: the first by id wins, the same on every rebuild.
      const held = next.get(account.key);
      if (held === undefined || c.id < held) next.set(account.key, c.id);
    }
    this.keyOf.clear();
    for (const [key, id] of next) this.keyOf.set(id, key);
    this.changedIds.clear();
    this.byKey = next;
    this.builtFrom = current;
    this.generation += 1;
    return next;
  }
}

/** People changed at once beyond which the account map is rebuilt whole rather than person by person. */
const MAX_CHANGED = 2_000;

/** Canonical form of a configured or reported host: lower case, no trailing dot. */
export const hostKey = (host: string): string => host.trim().toLowerCase().replace(/\.$/, '');

/**
 * Workstations by host name or address (case-insensitive): the site file's
 * `logins.workstations`, and those placed on the console (`set`), which come
 * first for the same host: the facility manager's latest word.
 */
export class WorkstationMap {
  private readonly byName = new Map<string, WorkstationPlace>();
  private readonly placed = new Map<string, WorkstationPlace>();

  constructor(workstations: GatehouseConfig['logins']['workstations']) {
    for (const [name, place] of Object.entries(workstations)) this.byName.set(hostKey(name), place);
  }

  /** Places a workstation (console); replaces an earlier placing of that host. */
  set(host: string, place: WorkstationPlace): void {
    this.placed.set(hostKey(host), place);
  }

  /** Takes a console placing back: the site file's, if it has the host, holds again. */
  remove(host: string): boolean {
    return this.placed.delete(hostKey(host));
  }

  /** The site file's place of exactly this host (no console placing, no short name). */
  configured(host: string): WorkstationPlace | null {
    return this.byName.get(hostKey(host)) ?? null;
  }

  private get(key: string): WorkstationPlace | undefined {
    return this.placed.get(key) ?? this.byName.get(key);
  }

  /**
   * The place of a workstation by the name it gives itself (or that name's
   * first label, `ws-12` for `ws-12.corp.example.com`), else by the address
   * it sent from. Null for a workstation the site has not placed.
   */
  placeOf(host: string, sourceAddress: string | null): WorkstationPlace | null {
    const key = hostKey(host);
    const found = this.get(key);
    if (found) return found;
    if (!isIP(key)) {
      const short = key.split('.')[0]!;
      const byShort = short !== key ? this.get(short) : undefined;
      if (byShort) return byShort;
    }
    return sourceAddress ? (this.get(hostKey(unmapV4(sourceAddress))) ?? null) : null;
  }
}

/** `::ffff:10.0.0.5` as a dual-stack socket reports it is the site's `10.0.0.5`. */
const unmapV4 = (address: string): string => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
