import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` is how a dual-stack socket shows an IPv4 peer. */
const unmapped = (address: string): string =>
  address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;

/**
 * Which peers may send to a listener: CIDR ranges (`10.0.0.0/8`, `::1/128`)
 * or single addresses. Empty means nobody (deny by default).
 */
export class SourceAllowList {
  private readonly list = new BlockList();

  /** Throws on an entry that is not an address or a CIDR range: a configuration error. */
  constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      const [address, bits, extra] = entry.trim().split('/');
      const family = isIP(address ?? '');
      if (!family || extra !== undefined) throw new Error(`not an address or CIDR range: ${entry}`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const max = family === 4 ? 32 : 128;
      const prefix = bits === undefined ? max : Number(bits);
      if (
        !Number.isInteger(prefix) ||
        prefix < 0 ||
        prefix > max ||
        (bits !== undefined && !/^\d+$/.test(bits))
      ) {
        throw new Error(`bad prefix length in ${entry}`);
      }
      this.list.addSubnet(address!, prefix, type);
    }
  }

  allows(address: string | undefined): boolean {
    if (!address) return false;
    const plain = unmapped(address);
    const family = isIP(plain);
    if (!family) return false;
    return this.list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }
}
