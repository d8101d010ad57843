import type { JsonObject } from '@gatehouse/contracts';
import { ERASED_PERSON, UNREADABLE_FIELD } from '@gatehouse/privacy';
import type { Alarm } from './alarm';
import type { AlarmCommentSealing } from './comment-sealing';

/**
 * Where a queued document keeps the detail of an alarm about a person: its
 * ciphertext under the person's key and whose key it is. Not a field of any
 * notification document, and taken out before one is sent.
 */
const SEALED = '$sealedDetail';

interface SealedDetail {
  personId: string;
  words: string;
}

/**
 * The document as the outbox stores it (issue 12): a target that receives
 * personal data gets the detail of an alarm about a person (a correlation
 * alert names the account), and that detail waits in the database until
 * delivered, possibly for a day of retries, so it is kept sealed under the
 * person's key like the alarm's own words, and a person erased meanwhile is
 * sent as "erased person". Without keys the detail is left out, as it is for
 * a target that receives no personal data.
 */
export const documentToStore = (
  doc: JsonObject,
  a: Alarm,
  sealing: AlarmCommentSealing | null,
): JsonObject => {
  if (a.cardholderId === null || typeof doc.detail !== 'string') return doc;
  const sealed = sealing ? sealing.seal(a.cardholderId, [doc.detail]) : null;
  if (sealed === null) return { ...doc, detail: sealing ? ERASED_PERSON : null };
  const kept: SealedDetail = { personId: a.cardholderId, words: sealed };
  return { ...doc, detail: null, [SEALED]: kept as unknown as JsonObject };
};

/** The document to send: a sealed detail opened, "erased person" once the person's key is gone. */
export const documentToSend = (stored: string, sealing: AlarmCommentSealing | null): JsonObject => {
  const doc = JSON.parse(stored) as JsonObject;
  const kept = doc[SEALED] as unknown as SealedDetail | undefined;
  if (kept === undefined) return doc;
  const { [SEALED]: _sealed, ...rest } = doc;
  const texts = sealing ? sealing.open(kept.personId, kept.words) : 'unreadable';
  return {
    ...rest,
    detail:
      texts === 'erased' ? ERASED_PERSON : texts === 'unreadable' ? UNREADABLE_FIELD : (texts[0] ?? null),
  };
};
