import { useEffect, useState } from 'react';
import { api, type SessionInfo } from '../api';

/**
 * The site's IANA time zone, from the session view: a new schedule runs in the
 * site's zone, not in that of the browser the manager happens to use. Null until known.
 */
export const useSiteTimeZone = (): string | null => {
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    api
      .background<SessionInfo>('/api/v1/auth/session')
      .then((s) => current && setZone(s.site.timeZone))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);
  return zone;
};
