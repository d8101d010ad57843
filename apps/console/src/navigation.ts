import { useEffect, useState } from 'react';
import type { AlarmQueue, Role } from '@gatehouse/api';
import { api } from './api';
import './navigation.css';
import type { LiveConnection } from './shell/live';

/**
 * Where each role starts its shift, in order of precedence for an operator
 * with several roles: the most urgent job first (a guard who is also an admin
 * watches doors before health).
 */
const LANDING: [Role, string][] = [
  ['guard', 'desk'],
  ['reception', 'on-site'],
  ['facility-manager', 'people'],
  ['responder', 'journal'],
  ['auditor', 'journal'],
  ['admin', 'system'],
];

/** The page an operator lands on after sign-in, among those their permissions show. */
export const landingPage = (roles: readonly Role[], visible: readonly string[]): string | undefined =>
  LANDING.find(([role, page]) => roles.includes(role) && visible.includes(page))?.[1];

/**
 * Moves focus to the page's heading when the page changes, so a keyboard or
 * screen-reader user hears where they are (as a page load would tell them).
 * The heading renders with the page; a few frames are allowed for it.
 */
export const useFocusHeadingOn = (pageId: string) => {
  useEffect(() => {
    let tries = 0;
    let frame = 0;
    const focus = () => {
      const heading = document.querySelector<HTMLElement>('main h2');
      if (heading) {
        heading.tabIndex = -1;
        heading.focus({ preventScroll: false });
      } else if (tries++ < 20) frame = requestAnimationFrame(focus);
    };
    frame = requestAnimationFrame(focus);
    return () => cancelAnimationFrame(frame);
  }, [pageId]);
};

/** The number of open alarms, kept current from the live stream; null when the role may not read alarms. */
export const useOpenAlarmCount = (allowed: boolean, live: LiveConnection): number | null => {
  const { subscribe, generation } = live;
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!allowed) return setCount(null);
    let cancelled = false;
    const load = async () => {
      try {
        const queue = await api.background<AlarmQueue>('/api/v1/alarms');
        if (!cancelled) setCount(queue.items.length);
      } catch {
        // A failed read keeps the last count; the stale banner says the screen is not current.
      }
    };
    void load();
    const unsubscribe = subscribe((entry) => {
      if (entry.type.startsWith('alarm.')) void load();
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [allowed, subscribe, generation]);
  return count;
};

/**
 * "(3) Guard desk — Gatehouse": the tab tells the open alarm count even when it
 * is not in front (a taskbar, a locked screen's tab strip). The shell is the
 * title's one owner; pages do not set it.
 */
export const pageTitle = (page: string, alarms: number | null): string =>
  `${alarms ? `(${alarms}) ` : ''}${page} — Gatehouse`;
