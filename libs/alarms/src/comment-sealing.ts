import { DomainError } from '@gatehouse/contracts';
import {
  ERASED_PERSON,
  type JournalKeys,
  openFieldBytes,
  sealFieldBytes,
  UNREADABLE_FIELD,
} from '@gatehouse/privacy';
import type { Alarm, AlarmComment } from './alarm';

/**
 * What the alarm records need to keep the words of an alarm about a person
 * (issue 12): its detail (a correlation alert's names the account) and the
 * guards' comments, sealed under that person's key, so their erasure reaches
 * what was written about them. Who wrote and when stay clear.
 */
export interface AlarmCommentSealing {
  /** The texts, in order, as one ciphertext under the person's key; null once the person was erased. */
  seal(personId: string, texts: readonly (string | null)[]): string | null;
  /** Whether the person's key was destroyed: nothing written about them may show again. */
  erased(personId: string): boolean;
  /** The texts, or why not: the key was destroyed, or the ciphertext is not this person's. */
  open(personId: string, sealed: string): (string | null)[] | 'erased' | 'unreadable';
}

/** What the ciphertext is bound to, besides the person: it opens as nothing else of theirs. */
const SCOPE = 'alarm-comments';
/** A queued notification's detail: bound apart from the alarm's words, so neither opens as the other. */
const NOTIFICATION_SCOPE = 'notification-detail';

/** Texts about a person sealed under their key, bound to `scope`. */
const wordsSealing = (keys: JournalKeys, scope: string): AlarmCommentSealing => ({
  seal: (personId, texts) => {
    const found = keys.keyOf(personId);
    if (found.kind === 'erased') return null;
    const key = found.kind === 'key' ? found.key : keys.keyForWriting(personId);
    return sealFieldBytes(key, scope, Buffer.from(JSON.stringify(texts), 'utf8'));
  },
  erased: (personId) => keys.keyOf(personId).kind === 'erased',
  open: (personId, sealed) => {
    const found = keys.keyOf(personId);
    if (found.kind !== 'key') return 'erased';
    const opened = openFieldBytes(found.key, scope, sealed);
    if (!opened.ok) return opened.reason;
    const texts = JSON.parse(opened.plain.toString('utf8')) as unknown;
    return Array.isArray(texts) && texts.every((t) => t === null || typeof t === 'string')
      ? (texts as (string | null)[])
      : 'unreadable';
  },
});

/** The sealing over the privacy keys (the gateway's keyring, or a test's). */
export const alarmCommentSealing = (keys: JournalKeys): AlarmCommentSealing => wordsSealing(keys, SCOPE);

/** The same for the alarm detail a notification carries while it waits in the outbox (`NotificationOutbox`). */
export const notificationSealing = (keys: JournalKeys): AlarmCommentSealing =>
  wordsSealing(keys, NOTIFICATION_SCOPE);

/** An alarm as stored: the detail and comments of an alarm about a person only as ciphertext. */
export type StoredAlarm = Omit<Alarm, 'comments'> & {
  comments: (Omit<AlarmComment, 'text'> & { text: string | null })[];
  /** The detail, then each comment's text, sealed as one (`AlarmCommentSealing.seal`). */
  sealedWords?: string;
};

/**
 * The row to store. The words of an alarm about nobody (a forced door) are the
 * site's, and stay in clear; the console asks that comments on it name nobody
 * (README, "Free text written by operators").
 */
export const storedAlarm = (a: Alarm, sealing: AlarmCommentSealing | null): StoredAlarm => {
  if (a.cardholderId === null || (a.detail === null && a.comments.length === 0)) return a;
  if (!sealing)
    throw new DomainError(
      'unavailable',
      'alarm.no-keys',
      'the words of an alarm about a person are kept only sealed under their key, and this gateway holds no keys',
    );
  const sealed = sealing.seal(a.cardholderId, [a.detail, ...a.comments.map((c) => c.text)]);
  // The person was erased: nothing of what was written about them is kept, not even a system
  // comment or detail that could quote them.
  if (sealed === null) return erasedWords(a);
  return {
    ...a,
    detail: null,
    comments: a.comments.map(({ by, at }) => ({ by, at, text: null })),
    sealedWords: sealed,
  };
};

const erasedWords = (a: Alarm): Alarm => ({
  ...a,
  detail: a.detail === null ? null : ERASED_PERSON,
  comments: a.comments.map(({ by, at }) => ({ by, at, text: ERASED_PERSON })),
});

/** The alarm as shown: an erased person's alarm's words as "erased person", even those still in memory. */
export const shownAlarm = (a: Alarm, sealing: AlarmCommentSealing | null): Alarm =>
  a.cardholderId !== null && (a.detail !== null || a.comments.length > 0) && sealing?.erased(a.cardholderId)
    ? erasedWords(a)
    : a;

/** The alarm as read: sealed words opened, "erased person" once the person's key is gone. */
export const alarmOf = (stored: StoredAlarm, sealing: AlarmCommentSealing | null): Alarm => {
  const { sealedWords, ...rest } = stored;
  if (sealedWords === undefined) return rest as Alarm;
  const texts =
    sealing && rest.cardholderId !== null ? sealing.open(rest.cardholderId, sealedWords) : 'unreadable';
  const shown = (i: number): string | null =>
    texts === 'erased' ? ERASED_PERSON : texts === 'unreadable' ? UNREADABLE_FIELD : (texts[i] ?? null);
  return {
    ...rest,
    detail: shown(0),
    comments: rest.comments.map((c, i) => ({ by: c.by, at: c.at, text: shown(i + 1) ?? UNREADABLE_FIELD })),
  };
};
