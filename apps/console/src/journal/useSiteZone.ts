import { useEffect, useState } from 'react';
import type { SessionView } from '@gatehouse/api';
import { api } from '../api';
import { browserZone } from './zone-time';

/**
 * The site's IANA time zone (the session says it), read once per page; the
 * browser's zone until then. A background read: it renews no session.
 */
export const useSiteZone = (): { timeZone: string; known: boolean } => {
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api
      .background<SessionView>('/api/v1/auth/session')
      .then((s) => !cancelled && setZone(s.site.timeZone))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  return { timeZone: zone ?? browserZone(), known: zone !== null };
};
