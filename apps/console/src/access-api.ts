import type { CredentialFormat } from '@gatehouse/api';

/** The access API's shapes: the server's own types (see api.ts). */
export type {
  AccessLevel as Level,
  CardholderDetail,
  CardholderView as Cardholder,
  CredentialView as Credential,
  Decision,
  Door,
  DoorStateView as DoorState,
  Group,
  Holiday,
  ImportReport,
  Schedule,
  ScheduleInterval as Interval,
  Zone,
} from '@gatehouse/api';

/** Every credential format, in the order the console offers them; the record type makes the list complete. */
const FORMAT_ORDER: Record<CredentialFormat, number> = {
  H10301: 0,
  H10306: 1,
  H10302: 2,
  'C1000-35': 3,
  'C1000-48': 4,
  raw: 5,
  'pin-only': 6,
};
export const FORMATS = (Object.keys(FORMAT_ORDER) as CredentialFormat[]).sort(
  (a, b) => FORMAT_ORDER[a] - FORMAT_ORDER[b],
);
/** A card format as the people who hold the cards know it: its bit length and name, never the code alone. */
export const FORMAT_WORDS: Record<CredentialFormat, string> = {
  H10301: '26-bit H10301',
  H10306: '34-bit H10306',
  H10302: '37-bit H10302',
  'C1000-35': '35-bit Corporate 1000',
  'C1000-48': '48-bit Corporate 1000',
  raw: 'Raw bits (any length)',
  'pin-only': 'PIN only (no card)',
};
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
