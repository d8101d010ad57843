import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, describeError, type JournalEntry } from '../api';
import { formatTimeOfDay } from '../format';
import { useLatestRead } from '../latest-read';
import { coalesced } from './coalesce';
import { type Notice, useLive } from './live';

export interface LiveReadOptions {
  /** A re-read this often, for what no pushed entry announces. */
  beatMs: number;
  /** Pushed entries that change what is read (module-level: a new function each render re-subscribes). */
  rereadOn?: (entry: JournalEntry) => boolean;
  /** A notice of the stream that changes it (`sessions`). */
  notice?: Notice;
}

/**
 * One answer of the API kept current: read at once, again when a pushed entry
 * or notice says it changed, after a reconnection (the gap was missed) and on
 * a beat; one read at a time (a burst of entries is at most two reads), the
 * latest answer applied. Background reads: they keep no session alive. An
 * error keeps the last answer and says so (`AsOf`).
 */
export const useLiveRead = <T,>(path: string, options: LiveReadOptions) => {
  const { subscribe, onNotice, generation } = useLive();
  const [value, setValue] = useState<T | null>(null);
  const [readAt, setReadAt] = useState<Date | null>(null);
  const [error, setError] = useState<string | null>(null);
  const read = useLatestRead(
    () => api.background<T>(path),
    (v) => {
      setValue(v);
      setReadAt(new Date());
      setError(null);
    },
  );
  const reread = useMemo(() => coalesced(read), [read]);
  const reload = useCallback(() => reread().catch((e: unknown) => setError(describeError(e))), [reread]);
  const { beatMs, rereadOn, notice } = options;
  useEffect(() => {
    void reload();
    const beat = setInterval(() => void reload(), beatMs);
    const off = subscribe((entry) => {
      if (rereadOn?.(entry)) void reload();
    });
    const offNotice = notice ? onNotice(notice, () => void reload()) : () => undefined;
    return () => {
      clearInterval(beat);
      off();
      offNotice();
    };
  }, [reload, subscribe, onNotice, generation, beatMs, rereadOn, notice]);
  return { value, readAt, error, reload };
};

/** " As of 14:02:11." after a list, and that it may be out of date when the last re-read failed. */
export const AsOf = ({
  readAt,
  error,
  what = 'list',
}: {
  readAt: Date | null;
  error: string | null;
  what?: string;
}) =>
  readAt && (
    <span className="hint">
      {' '}
      As of {formatTimeOfDay(readAt)}
      {error ? `: the ${what} could not be read again since, so it may be out of date.` : '.'}
    </span>
  );
