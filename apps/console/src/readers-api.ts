/** The readers API's shapes: the server's own types (see api.ts). */
export type {
  CardBitsInterpretation as InterpretResult,
  Interpretation,
  PortStatus as PortRow,
  ReaderStatus as ReaderRow,
} from '@gatehouse/api';
