import { useEffect, useState } from 'react';
import { formatClock } from '../format';
import type { LiveConnection } from './live';
import { END_WARNING_MS, IDLE_WARNING_MS, type SessionClock } from './session-keeper';

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
const minutesSeconds = (ms: number) => {
  const s = seconds(ms);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** Re-renders every second while something counts down. */
const useNow = (ticking: boolean) => {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
};

/**
 * Says, above every page, when what the console shows is no longer live (the
 * session ended, the gateway went away, the live stream dropped) and when the
 * session is about to end. The page below is greyed by the shell meanwhile.
 */
export const StatusBanner = ({
  live,
  clock,
  onSignIn,
}: {
  live: LiveConnection;
  clock: SessionClock;
  onSignIn: () => void;
}) => {
  const now = useNow(true);
  const { status, retryAt } = live;
  if (status === 'session-ended')
    return (
      <div className="status-banner stale" role="alert" data-testid="stale-banner">
        <strong>Your session has ended: this screen is no longer live.</strong>
        <span>Doors and alarms shown may be out of date.</span>
        <button onClick={onSignIn}>Sign in again</button>
      </div>
    );
  if (status === 'gateway-down' || status === 'reconnecting')
    return (
      <div className="status-banner stale" role="alert" data-testid="stale-banner">
        <strong>
          {status === 'gateway-down'
            ? 'The gateway does not answer: this screen is no longer live.'
            : 'Live updates stopped: this screen is no longer live.'}
        </strong>
        <span>
          Reconnecting{retryAt !== null ? ` in ${seconds(retryAt - now)} s` : '…'}; the board is read again
          once connected.
        </span>
        <button onClick={live.retryNow}>Retry now</button>
      </div>
    );
  const { idleEndsAt, endsAt } = clock;
  if (endsAt !== null && endsAt - now < END_WARNING_MS)
    return (
      <div className="status-banner warn" role="status" data-testid="session-warning">
        Your session reaches its time limit at {formatClock(endsAt)}: sign in again then.
      </div>
    );
  if (idleEndsAt !== null && idleEndsAt - now < IDLE_WARNING_MS)
    return (
      <div className="status-banner warn" role="status" data-testid="session-warning">
        Your session ends in {minutesSeconds(idleEndsAt - now)} unless you use the console: press a key or
        click anywhere to stay signed in.
      </div>
    );
  return null;
};
