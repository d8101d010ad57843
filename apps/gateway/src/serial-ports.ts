import { readReaderKey, type GatehouseConfig } from '@gatehouse/config';
import type { ReaderKeyStore, SerialPortConfig } from '@gatehouse/readers';

/**
 * Serial ports with their readers' keys: read from the secret references (and
 * never logged), or, for a reader in install mode without one, made by the
 * gateway and kept sealed in the database until and after it is installed.
 */
export const resolveSerialPorts = (config: GatehouseConfig, keys: ReaderKeyStore): SerialPortConfig[] =>
  config.serial.map((port) => ({
    ...port,
    readers: port.readers.map((r) => {
      if (!r.scbk) {
        if (port.protocol !== 'osdp' || !r.installMode) return { ...r, scbk: null };
        const managed = keys.keyFor(r.id);
        return {
          ...r,
          scbk: managed.key,
          installMode: !managed.installed,
          managedKey: true,
          nextKey: managed.nextKey,
        };
      }
      return { ...r, scbk: readReaderKey(r.scbk, `serial ${port.id}, reader ${r.id}, scbk`) };
    }),
  }));
