import { useEffect, useRef, useState } from 'react';
import { api, type SessionInfo } from '../api';

/** A person's input renews the session at most this often (the server counts idleness in minutes). */
const RENEW_EVERY_MS = 60_000;
/** Warn this long before the session idles out, and this long before its absolute end. */
export const IDLE_WARNING_MS = 2 * 60_000;
export const END_WARNING_MS = 10 * 60_000;
/** Only a person at the screen renews: keys, pointer, touch. Never the live stream or a timer. */
const HUMAN_INPUT = ['keydown', 'pointerdown', 'touchstart'] as const;

export interface SessionClock {
  idleEndsAt: number | null;
  endsAt: number | null;
}

const clockOf = (s: SessionInfo | null): SessionClock => ({
  idleEndsAt: s?.idleEndsAt ? Date.parse(s.idleEndsAt) : null,
  endsAt: s?.endsAt ? Date.parse(s.endsAt) : null,
});

/**
 * Keeps the session alive while the operator uses the console and knows when
 * it will end, for the warning. When the idle end passes, the session is
 * checked (without renewing it); a 401 there ends the console's session.
 */
export const useSessionKeeper = (session: SessionInfo | null, active: boolean): SessionClock => {
  const [clock, setClock] = useState<SessionClock>(() => clockOf(session));
  const lastRenew = useRef(Date.now());
  const clockRef = useRef(clock);
  clockRef.current = clock;

  useEffect(() => setClock(clockOf(session)), [session]);

  useEffect(() => {
    if (!active || session?.kind !== 'session') return;
    let renewing = false;
    const onInput = () => {
      const now = Date.now();
      const idleEnd = clockRef.current.idleEndsAt;
      const soon = idleEnd !== null && idleEnd - now < IDLE_WARNING_MS;
      if (renewing || (!soon && now - lastRenew.current < RENEW_EVERY_MS)) return;
      renewing = true;
      lastRenew.current = now;
      api
        .post<SessionInfo>('/api/v1/auth/session/renew')
        .then((s) => setClock(clockOf(s)))
        .catch(() => undefined)
        .finally(() => (renewing = false));
    };
    for (const type of HUMAN_INPUT) window.addEventListener(type, onInput, { capture: true, passive: true });
    return () => {
      for (const type of HUMAN_INPUT) window.removeEventListener(type, onInput, { capture: true });
    };
  }, [active, session]);

  useEffect(() => {
    if (!active || clock.idleEndsAt === null) return;
    const end = Math.min(clock.idleEndsAt, clock.endsAt ?? Infinity);
    // Just after the end: ask (without renewing); a 401 tells every part of the console (api.ts).
    const timer = setTimeout(
      () =>
        void api
          .background<SessionInfo>('/api/v1/auth/session')
          .then((s) => setClock(clockOf(s)))
          .catch(() => undefined),
      Math.max(0, end - Date.now()) + 1000,
    );
    return () => clearTimeout(timer);
  }, [active, clock]);

  return clock;
};
