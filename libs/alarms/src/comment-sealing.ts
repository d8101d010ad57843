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
 * What the alarm records need to keep the guards' comments on an alarm about
 * a person (issue 12): the texts sealed under that person's key, so their
 * erasure reaches what was written about them. Who wrote and when stay clear.
 */
export interface AlarmCommentSealing {
  /** The texts, in order, as one ciphertext under the person's key; null once the person was erased. */
  seal(personId: string, texts: readonly string[]): string | null;
  /** Whether the person's key was destroyed: nothing written about them may show again. */
  erased(personId: string): boolean;
  /** The texts, or why not: the key was destroyed, or the ciphertext is not this person's. */
  open(personId: string, sealed: string): string[] | 'erased' | 'unreadable';
}

/** What the ciphertext is bound to, besides the person: it opens as nothing else of theirs. */
const SCOPE = 'alarm-comments';

/** The sealing over the privacy keys (the gateway's keyring, or a test's). */
export const alarmCommentSealing = (keys: JournalKeys): AlarmCommentSealing => ({
  seal: (personId, texts) => {
    const found = keys.keyOf(personId);
    if (found.kind === 'erased') return null;
    const key = found.kind === 'key' ? found.key : keys.keyForWriting(personId);
    return sealFieldBytes(key, SCOPE, Buffer.from(JSON.stringify(texts), 'utf8'));
  },
  erased: (personId) => keys.keyOf(personId).kind === 'erased',
  open: (personId, sealed) => {
    const found = keys.keyOf(personId);
    if (found.kind !== 'key') return 'erased';
    const opened = openFieldBytes(found.key, SCOPE, sealed);
    if (!opened.ok) return opened.reason;
    const texts = JSON.parse(opened.plain.toString('utf8')) as unknown;
    return Array.isArray(texts) && texts.every((t) => typeof t === 'string') ? texts : 'unreadable';
  },
});

/** An alarm as stored: the comments' texts of an alarm about a person only as ciphertext. */
export type StoredAlarm = Omit<Alarm, 'comments'> & {
  comments: (Omit<AlarmComment, 'text'> & { text: string | null })[];
  sealedComments?: string;
};

/**
 * The row to store. Comments on an alarm about nobody (a forced door) are the
 * site's, and stay in clear; the console asks that they name nobody (README,
 * "Personal values in the journal").
 */
export const storedAlarm = (a: Alarm, sealing: AlarmCommentSealing | null): StoredAlarm => {
  if (a.cardholderId === null || a.comments.length === 0) return a;
  if (!sealing)
    throw new DomainError(
      'unavailable',
      'alarm.no-keys',
      'comments on an alarm about a person are kept only sealed under their key, and this gateway holds no keys',
    );
  const sealed = sealing.seal(
    a.cardholderId,
    a.comments.map((c) => c.text),
  );
  // The person was erased (an operator's comment is refused then, by the journal): nothing of what
  // was written about them is kept, not even a system comment that could quote them.
  if (sealed === null) return erasedComments(a);
  return { ...a, comments: a.comments.map(({ by, at }) => ({ by, at, text: null })), sealedComments: sealed };
};

const erasedComments = (a: Alarm): Alarm => ({
  ...a,
  comments: a.comments.map(({ by, at }) => ({ by, at, text: ERASED_PERSON })),
});

/** The alarm as shown: the comments of an erased person's alarm as "erased person", even those still in memory. */
export const shownAlarm = (a: Alarm, sealing: AlarmCommentSealing | null): Alarm =>
  a.cardholderId !== null && a.comments.length > 0 && sealing?.erased(a.cardholderId) ? erasedComments(a) : a;

/** The alarm as read: sealed texts opened, "erased person" once the person's key is gone. */
export const alarmOf = (stored: StoredAlarm, sealing: AlarmCommentSealing | null): Alarm => {
  const { sealedComments, ...rest } = stored;
  if (sealedComments === undefined) return rest as Alarm;
  const texts =
    sealing && rest.cardholderId !== null ? sealing.open(rest.cardholderId, sealedComments) : 'unreadable';
  const shown = (i: number) =>
    texts === 'erased'
      ? ERASED_PERSON
      : texts === 'unreadable'
        ? UNREADABLE_FIELD
        : (texts[i] ?? UNREADABLE_FIELD);
  return { ...rest, comments: rest.comments.map((c, i) => ({ by: c.by, at: c.at, text: shown(i) })) };
};
