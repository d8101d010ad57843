/** The readers API as the console reads it (apps/gateway/src/api/readers.controller.ts). */
export interface ReaderRow {
  id: string;
  port: string;
  address: number;
  format: string;
  online: boolean;
  secureChannel: 'none' | 'handshake' | 'established' | 'failed';
  model: string | null;
  firmware: string | null;
  serial: string | null;
  tamper: boolean | null;
  power: boolean | null;
  lastSeen: string | null;
  lastError: string | null;
  counters: Record<string, number>;
  keyManagedByGateway: boolean;
}

export interface PortRow {
  id: string;
  path: string;
  protocol: 'bridge' | 'osdp';
  state: string;
  lastError: string | null;
  opens: number;
  captureRecords: number;
  counters: Record<string, number>;
}

export interface Interpretation {
  format: string;
  facility: number | null;
  card: number;
  number: string;
  parityOk: boolean;
}

export interface InterpretResult {
  bitCount: number;
  bits: string;
  hex: string;
  interpretations: Interpretation[];
}
