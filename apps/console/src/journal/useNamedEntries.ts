import { useCallback, useEffect, useRef, useState } from 'react';
import type { JournalSearchView, NamedEntryView } from '@gatehouse/api';
import { api } from '../api';

/** Wait for a burst of live entries to end before naming them: one request names them all. */
const NAME_DELAY_MS = 80;
/** The most entries one request names (the API's page limit). */
export const MAX_NAMED = 500;

/**
 * The gateway's words for entries the live stream brought (names, the site's
 * time, the readable row), asked for by sequence number: `after` the entry
 * before the first unnamed one. Background reads: watching renews no session.
 */
export const useNamedEntries = () => {
  const [named, setNamed] = useState<ReadonlyMap<number, NamedEntryView>>(new Map());
  const wanted = useRef(new Set<number>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  /** Entries after `afterSeq` (at most `limit`), named, oldest first. */
  const fetchAfter = useCallback(async (afterSeq: number, limit: number): Promise<NamedEntryView[]> => {
    const page = await api.background<JournalSearchView>(
      `/api/v1/journal/search?after=${afterSeq}&limit=${Math.max(1, Math.min(MAX_NAMED, limit))}`,
    );
    setNamed((prev) => {
      const next = new Map(prev);
      for (const e of page.items) next.set(e.seq, e);
      return next;
    });
    return page.items;
  }, []);

  /** The newest entries, named: what a page that has just opened shows before anything arrives. */
  const fetchLatest = useCallback(async (limit: number): Promise<NamedEntryView[]> => {
    const page = await api.background<JournalSearchView>(
      `/api/v1/journal/search?limit=${Math.max(1, Math.min(MAX_NAMED, limit))}`,
    );
    setNamed((prev) => {
      const next = new Map(prev);
      for (const e of page.items) next.set(e.seq, e);
      return next;
    });
    return page.items;
  }, []);

  /** Entries the gateway did not name (its answer failed, or left them out): shown in their type's words. */
  const [failed, setFailed] = useState<ReadonlySet<number>>(new Set());
  const unnamed = useCallback((seqs: number[]) => {
    if (seqs.length > 0) setFailed((prev) => new Set([...prev, ...seqs]));
  }, []);

  const flush = useCallback(() => {
    const seqs = [...wanted.current].sort((a, b) => a - b);
    wanted.current.clear();
    // Entries a role may not see are not in the answer: asking for a span covers the seqs between.
    // A span wider than one answer holds is asked for in several.
    for (let i = 0; i < seqs.length;) {
      const first = seqs[i]!;
      let last = first;
      while (i < seqs.length && seqs[i]! - first < MAX_NAMED) last = seqs[i++]!;
      const asked = seqs.slice(seqs.indexOf(first), i);
      fetchAfter(first - 1, last - first + 1).then(
        // Entries the answer did not hold (this role may not see them) are not waited for.
        (got) => unnamed(asked.filter((s) => !got.some((e) => e.seq === s))),
        // The entries show in their type's words rather than never; the stream's state is told by the page.
        () => unnamed(asked),
      );
    }
  }, [fetchAfter, unnamed]);

  const name = useCallback(
    (seq: number) => {
      wanted.current.add(seq);
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, NAME_DELAY_MS);
    },
    [flush],
  );
  useEffect(() => () => clearTimeout(timer.current), []);

  /** Forgets the names of entries no longer listed, so the map stays as bounded as the list. */
  const keepOnly = useCallback((seqs: ReadonlySet<number>) => {
    setNamed((prev) => {
      if ([...prev.keys()].every((s) => seqs.has(s))) return prev;
      return new Map([...prev].filter(([s]) => seqs.has(s)));
    });
    setFailed((prev) =>
      [...prev].every((s) => seqs.has(s)) ? prev : new Set([...prev].filter((s) => seqs.has(s))),
    );
  }, []);

  return { named, failed, name, fetchAfter, fetchLatest, keepOnly };
};
