import type { SiteOverrideView } from '@gatehouse/api';
import { formatTime } from '../format';

/** The site-wide banner while a lockdown (or emergency release) is in force: who, when, why, how many doors. */
export const LockdownBanner = ({
  override,
  doorCount,
}: {
  override: NonNullable<SiteOverrideView['override']>;
  doorCount: number;
}) => (
  <div className={`site-banner ${override.kind}`} role="alert" data-testid="lockdown-banner">
    <strong>
      {override.kind === 'lockdown' ? 'LOCKDOWN IN FORCE' : 'EMERGENCY RELEASE: DOORS OPEN'} ·{' '}
      {override.doors} of {doorCount} doors
    </strong>
    <span>
      Started by {override.byName}
      {override.since !== null ? ` at ${formatTime(new Date(override.since).toISOString())}` : ''}: “
      {override.reason}”
    </span>
  </div>
);
