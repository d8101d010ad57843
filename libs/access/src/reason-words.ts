import type { Decision } from './engine';

/**
 * A card decision's reason in words, the one wording every screen and export
 * uses (the console's journal, the readable CSV export). The record's type
 * makes the list complete: a reason added to the engine fails the type check
 * here until it has words. A plain grant needs none.
 */
export const DECISION_REASON_WORDS: Readonly<Record<Decision['reason'], string>> = {
  granted: '',
  'granted-emergency': 'Door in emergency release',
  'granted-unlocked': 'Door was unlocked',
  'unknown-reader': 'Reader not known to the site',
  'unknown-credential': 'Card not known',
  'credential-suspended': 'Card suspended',
  'credential-lost': 'Card reported lost',
  'credential-revoked': 'Card revoked',
  'credential-expired': 'Card expired',
  'credential-expired-unused': 'Card expired after going unused',
  'credential-not-yet-valid': 'Card not valid yet',
  'cardholder-inactive': 'Person not active',
  'watch-listed': 'Person on the watch list',
  'door-lockdown': 'Door in lockdown',
  'no-access-level': 'No access level for this door',
  'outside-schedule': 'Outside their schedule',
  holiday: 'A holiday',
  'pin-required': 'PIN needed',
  'pin-wrong': 'Wrong PIN',
  'pin-locked-out': 'Locked out after wrong PINs',
  'anti-passback': 'Anti-passback: not badged out',
  'escort-required': 'Escort needed',
};
