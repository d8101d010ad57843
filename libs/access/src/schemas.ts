import { z } from 'zod';
import { checkCardNumber } from '@gatehouse/bridge-protocol';
import { isoDate, isoInstant, patchOf, plainText } from '@gatehouse/contracts';
import {
  CARDHOLDER_KINDS,
  CARDHOLDER_STATES,
  CREDENTIAL_FORMATS,
  CREDENTIAL_STATES,
  type CredentialFormat,
} from './model';

/** Ids are chosen by people (door "lobby-main") or generated; both are short and URL-safe. */
export const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and . _ - (not first)');
const name = plainText({ max: 120 });
const interval = z.strictObject({
  days: z.array(z.number().int()).min(1).max(7),
  start: z.string().max(5),
  end: z.string().max(5),
});

export const ZoneInput = z.strictObject({ id, name, parentId: id.nullable().default(null) });

export const DoorInput = z.strictObject({
  id,
  name,
  readers: z
    .array(z.strictObject({ id, direction: z.enum(['entry', 'exit']) }))
    .max(2)
    .default([]),
  zoneOut: id.default('outside'),
  zoneIn: id,
  mode: z.enum(['locked', 'card-only', 'card-and-pin']).default('card-only'),
  unlockMs: z.number().int().min(500).max(60_000).default(5000),
  heldOpenMs: z.number().int().min(1000).max(3_600_000).default(30_000),
  unlockScheduleId: id.nullable().default(null),
  firstPersonIn: z.boolean().default(false),
  antiPassback: z.enum(['none', 'soft', 'hard']).default('none'),
  antiPassbackKind: z.enum(['zone', 'timed']).default('zone'),
  antiPassbackSeconds: z.number().int().min(0).max(86_400).default(60),
  escortRequired: z.boolean().default(false),
  lock: plainText({ max: 200 }).nullable().default(null),
  contact: plainText({ max: 200 }).nullable().default(null),
  rex: plainText({ max: 200 }).nullable().default(null),
});

export const ScheduleInput = z.strictObject({
  id,
  name,
  timeZone: z.string().min(1).max(64),
  intervals: z.array(interval).max(50),
  holidayIntervals: z.array(interval).max(50).default([]),
});

export const HolidayInput = z.strictObject({
  id,
  name,
  date: isoDate,
});

export const LevelInput = z.strictObject({ id, name, scheduleId: id, doorIds: z.array(id).max(2000) });
export const GroupInput = z.strictObject({ id, name, levelIds: z.array(id).max(200).default([]) });

export const CardholderInput = z.strictObject({
  id: id.optional(),
  name,
  employeeNumber: plainText({ max: 40 }).nullable().default(null),
  department: plainText({ min: 0, max: 120 }).nullable().default(null),
  directoryAccount: plainText({ min: 0, max: 120 }).nullable().default(null),
  kind: z.enum(CARDHOLDER_KINDS).default('employee'),
  state: z.enum(CARDHOLDER_STATES).default('active'),
  privileged: z.boolean().default(false),
  watchListed: z.boolean().default(false),
  levelIds: z.array(id).max(200).default([]),
  groupIds: z.array(id).max(50).default([]),
});
export const CardholderPatch = patchOf(CardholderInput.omit({ id: true }));

const pin = z.string().regex(/^\d{4,8}$/, '4 to 8 digits');
export const CredentialInput = z.strictObject({
  id: id.optional(),
  cardholderId: id,
  format: z.enum(CREDENTIAL_FORMATS),
  number: z.string().trim().min(1).max(64),
  pin: pin.nullable().optional(),
  duressPin: pin.nullable().optional(),
  validFrom: isoInstant.nullable().default(null),
  validUntil: isoInstant.nullable().default(null),
  state: z.enum(CREDENTIAL_STATES).default('active'),
  expireUnusedDays: z.number().int().min(1).max(3650).nullable().default(null),
});
/** A credential's number and format stay as issued: a different card is a new credential. */
export const CredentialPatch = patchOf(
  CredentialInput.omit({ id: true, cardholderId: true, format: true, number: true }),
);

/**
 * The canonical number of a credential in its format, or why it cannot be one
 * (naming the field and its range). Card formats know their own fields; a
 * PIN-only credential's number is the user code typed on the keypad.
 */
export const checkCredentialNumber = (
  format: CredentialFormat,
  number: string,
): { ok: true; number: string } | { ok: false; field: string; message: string } => {
  if (format !== 'pin-only') return checkCardNumber(format, number);
  const code = number.trim();
  return /^\d{1,12}$/.test(code)
    ? { ok: true, number: code }
    : { ok: false, field: 'number', message: 'a pin-only user code is 1 to 12 digits' };
};
