import {
  BlindIndex,
  ERASED_PERSON,
  hmacSha256,
  openFieldBytes,
  openFields,
  type PersonKey,
  type PrivacyKeyring,
  sealFieldBytes,
  sealFields,
  UNREADABLE_FIELD,
} from '@gatehouse/privacy';
import {
  type CardholderClear,
  type CardholderOpening,
  type CardholderPersonal,
  type CardholderSealing,
  cardholderOf,
  clearOf,
  personalOf,
  type SealedCardholder,
} from './cardholder-sealing';

/** The envelope's scope: a cardholder record's fields, not a journal entry's. */
const RECORD_SCOPE = 'access.cardholder';
const PHOTO_FIELD = 'access.cardholder.photo';
const EMPLOYEE_NUMBER_LABEL = 'gatehouse/privacy/employee-number/v1';
/** As the blind index's digests: 128 bits, no accidental collision among a site's numbers. */
const MAC_BYTES = 16;

const shown = (name: string): CardholderPersonal => ({
  name,
  employeeNumber: null,
  department: null,
  directoryAccount: null,
});
const ERASED = shown(ERASED_PERSON);
const UNREADABLE = shown(UNREADABLE_FIELD);

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Cardholders sealed under their person keys: the personal fields as one
 * envelope per row, the employee number also as a keyed HMAC (uniqueness and
 * look-up without the number), the name's tokens in the blind index. An
 * erased person's row keeps no envelope and opens as "erased person"; a row
 * whose key is missing or whose envelope is not theirs opens as "unreadable".
 */
export const privacySealing = (keyring: PrivacyKeyring): CardholderSealing => {
  const blind = new BlindIndex(keyring.db, keyring);
  const mac = hmacSha256(keyring.siteKey('blind-index', EMPLOYEE_NUMBER_LABEL));
  const employeeNumberMac = (n: string) => mac(n).subarray(0, MAC_BYTES).toString('hex');

  const open = (id: string, clear: CardholderClear, sealed: string | null) => {
    const found = keyring.keyOf(id);
    let personal: CardholderPersonal;
    let opening: CardholderOpening;
    if (found.kind === 'erased') [personal, opening] = [ERASED, 'erased'];
    else if (found.kind === 'unknown' || sealed === null) [personal, opening] = [UNREADABLE, 'unreadable'];
    else {
      const opened = openFields(found.key, RECORD_SCOPE, sealed);
      if (opened.ok) {
        const f = opened.fields;
        personal = {
          name: text(f.name) ?? UNREADABLE_FIELD,
          employeeNumber: text(f.employeeNumber),
          department: text(f.department),
          directoryAccount: text(f.directoryAccount),
        };
        opening = 'clear';
      } else
        [personal, opening] = opened.reason === 'erased' ? [ERASED, 'erased'] : [UNREADABLE, 'unreadable'];
    }
    return { cardholder: cardholderOf(clear, personal), opening };
  };

  return {
    seal(c, options = {}) {
      const data = JSON.stringify(clearOf(c));
      const found = keyring.keyOf(c.id);
      // An erased person has nothing personal left, and gets no new key.
      if (found.kind === 'erased')
        return { id: c.id, data, sealed: null, employeeNumberMac: null, nameDigests: [] };
      let key: PersonKey;
      let newKey: SealedCardholder['newKey'] = null;
      if (found.kind === 'key') key = found.key;
      else if (options.detached) {
        const detached = keyring.keyForDetachedWriting(c.id);
        key = detached.key;
        if (detached.newRow)
          newKey = { ...detached.newRow, wrapped: detached.newRow.wrapped.toString('hex') };
      } else key = keyring.keyForWriting(c.id);
      return {
        newKey,
        id: c.id,
        data,
        sealed: sealFields(key, RECORD_SCOPE, personalOf(c)),
        employeeNumberMac: c.employeeNumber === null ? null : employeeNumberMac(c.employeeNumber),
        nameDigests: blind.nameDigests([c.name]).map((d) => d.toString('hex')),
      };
    },
    open,
    employeeNumberMac,
    isErased: (id) => keyring.keyOf(id).kind === 'erased',
    sealPhoto: (id, data) => sealFieldBytes(keyring.keyForWriting(id), PHOTO_FIELD, data),
    openPhoto(id, sealed) {
      const found = keyring.keyOf(id);
      if (found.kind !== 'key') return null;
      const opened = openFieldBytes(found.key, PHOTO_FIELD, sealed);
      return opened.ok ? opened.plain : null;
    },
    searchName: (query, limit) => blind.searchName(query, limit),
  };
};
