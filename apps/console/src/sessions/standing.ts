import type { SessionRowView } from '@gatehouse/api';

/**
 * Where a session stands against the badge-ins, worst first: logged in without
 * being badged in is the breach the product exists for, so it leads the list
 * and is red; an account nobody is mapped to cannot be judged, so it is amber.
 */
export type Standing = 'not-badged-in' | 'unmapped' | 'elsewhere' | 'here' | 'on-site' | 'remote';

export const STANDING_ORDER: readonly Standing[] = [
  'not-badged-in',
  'unmapped',
  'elsewhere',
  'here',
  'on-site',
  'remote',
];

export const standingOf = (s: SessionRowView): Standing => {
  // A VPN or jump host session is not a person at a desk: no badge is expected for it.
  if (s.remote) return 'remote';
  if (!s.personId) return 'unmapped';
  if (!s.presence) return 'not-badged-in';
  if (s.badgedInHere) return 'here';
  // Badged in, at a workstation the site has not placed: on site, where is unknown.
  return s.zone ? 'elsewhere' : 'on-site';
};

/** The standing in words, as the row says it (colour and icon go with it, never alone). */
export const standingWords = (s: SessionRowView): string => {
  switch (standingOf(s)) {
    case 'remote':
      return 'Remote session (VPN or jump host)';
    case 'unmapped':
      return 'Account maps to nobody';
    case 'not-badged-in':
      return 'Not badged in';
    case 'here':
      return `Badged in here (${s.presence!.zoneName})`;
    case 'elsewhere':
      return `Badged in elsewhere (${s.presence!.zoneName})`;
    case 'on-site':
      return `Badged in (${s.presence!.zoneName})`;
  }
};

/** Worst standing first, then the longest logged in first. */
export const byStanding = (a: SessionRowView, b: SessionRowView): number =>
  STANDING_ORDER.indexOf(standingOf(a)) - STANDING_ORDER.indexOf(standingOf(b)) ||
  a.since.localeCompare(b.since);
