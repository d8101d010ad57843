import { useEffect, useState } from 'react';
import { api, type SessionInfo } from '../api';
import { browserZone, siteLocalToIso } from '../journal/zone-time';

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

/**
 * A `datetime-local` value as the site's clocks read it, not the browser's (a
 * manager abroad who types "09:00" means nine at the site), in ISO 8601 UTC;
 * null for an empty or malformed value.
 */
export const useSiteInstant = (): ((local: string) => string | null) => {
  const zone = useSiteTimeZone() ?? browserZone();
  return (local: string) => (local ? siteLocalToIso(local, zone) : null);
};
